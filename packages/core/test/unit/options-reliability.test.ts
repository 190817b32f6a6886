import { describe, expect, it } from 'vitest'
import { MqttValidationError } from '../../src/errors.js'
import type { ClientOptions } from '../../src/options.js'
import { reconnectDefaults, resolveOptions } from '../../src/resolve-options.js'

describe('reliability options', () => {
  it('ack defaults to on-receipt; after-processing is kept', () => {
    expect(resolveOptions('mqtt://localhost').ack).toBe('on-receipt')
    expect(resolveOptions('mqtt://localhost', { ack: 'after-processing' }).ack).toBe('after-processing')
  })

  it('reconnect: true queues at most 1000 publishes; undefined fields keep their defaults', () => {
    expect(reconnectDefaults.maxQueuedPublishes).toBe(1000)
    expect(resolveOptions({ reconnect: true }).reconnect?.maxQueuedPublishes).toBe(1000)
    const resolved = resolveOptions({ reconnect: { maxQueuedPublishes: 0, minDelay: undefined } })
    expect(resolved.reconnect).toEqual({ ...reconnectDefaults, maxQueuedPublishes: 0 })
  })

  it('reconnect.maxResends defaults to 3; Infinity (resend forever) and 0 are kept', () => {
    expect(resolveOptions({ reconnect: true }).reconnect?.maxResends).toBe(3)
    const forever = resolveOptions({ reconnect: { maxResends: Number.POSITIVE_INFINITY } })
    expect(forever.reconnect?.maxResends).toBe(Number.POSITIVE_INFINITY)
    expect(resolveOptions({ reconnect: { maxResends: 0 } }).reconnect?.maxResends).toBe(0)
  })

  it.each<[string, ClientOptions]>([
    ['ack', { ack: 'later' as never }],
    ['reconnect.maxQueuedPublishes', { reconnect: { maxQueuedPublishes: -1 } }],
    ['reconnect.maxQueuedPublishes', { reconnect: { maxQueuedPublishes: 1.5 } }],
    ['reconnect.maxAttempts', { reconnect: { maxAttempts: 0 } }],
    ['reconnect.jitter', { reconnect: { jitter: 2 } }],
    ['reconnect.maxResends', { reconnect: { maxResends: -1 } }],
    ['reconnect.maxResends', { reconnect: { maxResends: 0.5 } }],
  ])('rejects a bad %s', (field, options) => {
    const error = (() => {
      try {
        resolveOptions('mqtt://localhost', options)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(MqttValidationError)
    expect((error as MqttValidationError).field).toBe(field)
  })
})
