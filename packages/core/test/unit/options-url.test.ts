import { MqttValidationError } from '@await-mqtt/core'
import { describe, expect, it } from 'vitest'
import { parseBrokerUrl } from '../../src/options/parse-broker-url.js'

function validationError(run: () => unknown): MqttValidationError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(MqttValidationError)
    return error as MqttValidationError
  }
  throw new Error('expected a MqttValidationError')
}

describe('parseBrokerUrl', () => {
  it.each([
    ['mqtt://broker.local', { hostname: 'broker.local', transport: 'tcp', secure: false }],
    ['tcp://broker.local:1884', { hostname: 'broker.local', port: 1884, transport: 'tcp', secure: false }],
    ['mqtts://broker.local', { hostname: 'broker.local', transport: 'tcp', secure: true }],
    ['ssl://broker.local:8884', { hostname: 'broker.local', port: 8884, transport: 'tcp', secure: true }],
    [
      'ws://broker.local:8080',
      { hostname: 'broker.local', port: 8080, transport: 'websockets', secure: false },
    ],
    ['wss://broker.local', { hostname: 'broker.local', transport: 'websockets', secure: true }],
  ])('reads %s', (url, expected) => {
    expect(parseBrokerUrl(url)).toEqual(expected)
  })

  it('takes and percent-decodes the credentials of the userinfo', () => {
    expect(parseBrokerUrl('mqtt://al%20ice:p%40ss%3Aword@broker.local')).toMatchObject({
      username: 'al ice',
      password: 'p@ss:word',
    })
  })

  it('takes a user name without password', () => {
    const options = parseBrokerUrl('mqtt://alice@broker.local')
    expect(options.username).toBe('alice')
    expect(options).not.toHaveProperty('password')
  })

  it('reads an IPv6 host without its brackets', () => {
    expect(parseBrokerUrl('mqtt://[::1]:1883')).toMatchObject({ hostname: '::1', port: 1883 })
  })

  it('keeps the path (and query) of a WebSocket URL', () => {
    expect(parseBrokerUrl('wss://broker.local/mqtt/v1?token=abc').websocketPath).toBe('/mqtt/v1?token=abc')
    expect(parseBrokerUrl('ws://broker.local/')).not.toHaveProperty('websocketPath')
  })

  it.each([
    ['not a url'],
    [''],
    ['http://broker.local'],
    ['mqtt://broker.local/some/path'],
    ['mqtt://broker.local:99999'],
    ['mqtt://:1883'],
  ])('refuses %j with a MqttValidationError on field url', (url) => {
    expect(validationError(() => parseBrokerUrl(url)).field).toBe('url')
  })

  it('never quotes the URL (and so its password) in the error', () => {
    const error = validationError(() => parseBrokerUrl('mqtt://alice:hunter2@broker.local:99999'))
    expect(error.message).not.toContain('hunter2')
    const scheme = validationError(() => parseBrokerUrl('http://alice:hunter2@broker.local'))
    expect(scheme.message).not.toContain('hunter2')
  })

  it('refuses malformed percent-encoding in the credentials', () => {
    expect(validationError(() => parseBrokerUrl('mqtt://alice:%E0%A4%A@broker.local')).field).toBe('url')
  })
})
