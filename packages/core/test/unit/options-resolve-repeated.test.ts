import { MqttValidationError } from '@await-mqtt/core'
import { describe, expect, it } from 'vitest'
import { resolveOptions } from '../../src/options/resolve-options.js'

/** Resolves `options` with nothing remembered from an earlier call alike (another URL first). */
function fresh(url: string, options: Parameters<typeof resolveOptions>[1]) {
  resolveOptions('mqtt://elsewhere.invalid:1', { keepalive: 1 })
  return resolveOptions(url, options)
}

describe('resolveOptions for clients made alike', () => {
  const url = 'mqtts://user:secret@broker.local:8884'
  const options = {
    protocolVersion: 4 as const,
    keepalive: 30,
    clean: false,
    reconnect: true,
    timeout: 2_000,
  }

  it('gives the next client the settings a full resolution would, with its own client id', () => {
    const first = resolveOptions(url, { ...options, clientId: 'first' })
    const repeated = resolveOptions(url, { ...options, clientId: 'second' })
    // Taken from the first (a full resolution makes its own reconnect settings).
    expect(repeated.reconnect).toBe(first.reconnect)
    const full = fresh(url, { ...options, clientId: 'second' })
    expect(full.reconnect).not.toBe(first.reconnect)
    expect(repeated).toEqual(full)
    expect(repeated.clientId).toBe('second')
    expect(repeated.mqtt.clientId).toBe('second')
  })

  it('gives each client without a client id a random one of its own', () => {
    const first = resolveOptions(url, options)
    const second = resolveOptions(url, options)
    expect(second.clientId).not.toBe(first.clientId)
    expect(second.mqtt.clientId).toBe(second.clientId)
    expect({ ...second, clientId: '', mqtt: { ...second.mqtt, clientId: '' } }).toEqual({
      ...first,
      clientId: '',
      mqtt: { ...first.mqtt, clientId: '' },
    })
  })

  it('still refuses a client id brokers refuse, naming the field', () => {
    resolveOptions(url, { ...options, clientId: 'ok' })
    for (const clientId of ['nul\u0000', 'lone \ud800', 'bell \u0007']) {
      const error = (() => {
        try {
          resolveOptions(url, { ...options, clientId })
        } catch (caught) {
          return caught
        }
      })()
      expect(error, JSON.stringify(clientId)).toBeInstanceOf(MqttValidationError)
      expect((error as MqttValidationError).field).toBe('clientId')
    }
    // strictUtf8: false lets a control character through, as the full check does.
    resolveOptions(url, { ...options, strictUtf8: false, clientId: 'ok' })
    expect(resolveOptions(url, { ...options, strictUtf8: false, clientId: 'bell \u0007' }).clientId).toBe(
      'bell \u0007',
    )
  })

  it('checks in full what differs, and what is not a plain value', () => {
    resolveOptions(url, { ...options, clientId: 'a' })
    expect(() => resolveOptions(url, { ...options, keepalive: -1, clientId: 'b' })).toThrow(/keepalive/)
    expect(() => resolveOptions(url, { ...options, clientId: '' })).toThrow(/clean/)
    const will = { topic: 'status', payload: 'gone' }
    resolveOptions(url, { ...options, will, clientId: 'c' })
    will.topic = 'bad/#'
    expect(() => resolveOptions(url, { ...options, will, clientId: 'd' })).toThrow(MqttValidationError)
  })

  it('works for an options object with its URL inside', () => {
    resolveOptions({ url, ...options, clientId: 'x' })
    const repeated = resolveOptions({ url, ...options, clientId: 'y' })
    expect(repeated).toEqual(fresh(url, { ...options, clientId: 'y' }))
  })
})
