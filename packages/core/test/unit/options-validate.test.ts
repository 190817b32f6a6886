import { type ClientOptions, MqttValidationError } from '@await-mqtt/core'
import { describe, expect, it } from 'vitest'
import { resolveOptions } from '../../src/options/resolve-options.js'

function fieldOf(options: ClientOptions | string, overrides?: ClientOptions): string {
  try {
    resolveOptions(options, overrides)
  } catch (error) {
    expect(error).toBeInstanceOf(MqttValidationError)
    return (error as MqttValidationError).field
  }
  throw new Error('expected a MqttValidationError')
}

const bad = (value: unknown) => value as never

describe('option validation', () => {
  it.each<[string, ClientOptions]>([
    ['hostname', { hostname: '' }],
    ['hostname', { hostname: 'a b' }],
    ['port', { port: 0 }],
    ['port', { port: 65_536 }],
    ['port', { port: 1.5 }],
    ['username', { username: bad(42) }],
    ['password', { password: bad(42) }],
    ['clientId', { clientId: bad(1) }],
    ['tls', { tls: bad('yes') }],
    ['tls.minVersion', { tls: { minVersion: bad('TLSv1') } }],
    ['tls.rejectUnauthorized', { tls: { rejectUnauthorized: bad('no') } }],
    ['tls.key', { tls: { cert: 'CERT' } }],
    ['tls.ALPNProtocols', { tls: { ALPNProtocols: bad('mqtt') } }],
    ['proxy', { proxy: bad('socks5://x') }],
    ['proxy.type', { proxy: bad({ type: 'ftp', host: 'p', port: 1 }) }],
    ['proxy.type', { proxy: bad({ host: 'p', port: 1 }) }],
    ['proxy.host', { proxy: bad({ type: 'http', port: 1 }) }],
    ['proxy.port', { proxy: { type: 'http', host: 'p', port: 70_000 } }],
    ['proxy.username', { proxy: { type: 'socks5', host: 'p', port: 1, password: 'x' } }],
    ['proxy.password', { proxy: { type: 'socks4', host: 'p', port: 1, username: 'u', password: 'x' } }],
    ['protocolVersion', { protocolVersion: bad(6) }],
    ['will', { will: bad('gone') }],
    ['will.topic', { will: { topic: 'a/+' } }],
    ['will.topic', { will: { topic: '' } }],
    ['will.qos', { will: { topic: 't', qos: bad(3) } }],
    ['will.payload', { will: { topic: 't', payload: bad({}) } }],
    ['will.properties', { protocolVersion: 4, will: { topic: 't', properties: { willDelayInterval: 1 } } }],
    ['will.properties.willDelayInterval', { will: { topic: 't', properties: { willDelayInterval: -1 } } }],
    ['clean', { clean: bad('yes') }],
    ['sessionExpiryInterval', { sessionExpiryInterval: -1 }],
    ['sessionExpiryInterval', { sessionExpiryInterval: 2 ** 32 }],
    ['sessionExpiryInterval', { protocolVersion: 4, sessionExpiryInterval: 10 }],
    ['transport', { transport: bad('quic') }],
    ['keepalive', { keepalive: -1 }],
    ['keepalive', { keepalive: 65_536 }],
    ['bindAddress', { bindAddress: '' }],
    ['bindPort', { bindPort: -1 }],
    ['properties', { protocolVersion: 3, properties: {} }],
    ['properties.receiveMaximum', { properties: { receiveMaximum: 0 } }],
    ['properties.userProperties.a', { properties: { userProperties: { a: bad(1) } } }],
    ['properties.authenticationData', { properties: { authenticationData: bad('x') } }],
    ['socketOptions.noDelay', { socketOptions: { noDelay: bad(1) } }],
    ['maxConcurrentOutgoingCalls', { maxConcurrentOutgoingCalls: 0 }],
    ['websocketPath', { websocketPath: 'mqtt' }],
    ['websocketHeaders.x-a', { websocketHeaders: { 'x-a': 'one\r\ntwo' } }],
    ['websocketHeaders', { websocketHeaders: { 'bad name': 'x' } }],
    ['timeout', { timeout: 0 }],
    ['timeout', { timeout: bad('10s') }],
    ['reconnect', { reconnect: bad('always') }],
    ['reconnect.maxDelay', { reconnect: { minDelay: 500, maxDelay: 100 } }],
    ['reconnect.jitter', { reconnect: { jitter: 2 } }],
    ['reconnect.factor', { reconnect: { factor: 0.5 } }],
    ['maxQueued', { maxQueued: 0 }],
    ['overflow', { overflow: bad('block') }],
    ['logger', { logger: bad(console.log) }],
    ['mqtt', { mqtt: bad('x') }],
  ])('names %s', (field, options) => {
    expect(fieldOf(options)).toBe(field)
  })

  it('refuses options that are not an object', () => {
    expect(fieldOf(bad(42))).toBe('options')
  })

  it('validates the merged options: overrides are checked too', () => {
    expect(fieldOf('mqtt://broker.local', { keepalive: -5 })).toBe('keepalive')
  })

  it('accepts the documented edge values', () => {
    expect(() =>
      resolveOptions({
        port: 65_535,
        keepalive: 0,
        bindPort: 0,
        sessionExpiryInterval: 0xffff_ffff,
        timeout: Number.POSITIVE_INFINITY,
        maxQueued: Number.POSITIVE_INFINITY,
        reconnect: { maxAttempts: Number.POSITIVE_INFINITY, jitter: 0 },
        password: new Uint8Array([1]),
        tls: { ca: [new Uint8Array([1])], cert: 'c', key: 'k' },
        proxy: { type: 'socks4', host: 'p', port: 1080, username: 'user-id' },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      }),
    ).not.toThrow()
  })

  it('never puts a password, passphrase or proxy password in the message', () => {
    const secret = 'hunter2-secret'
    const attempts: ClientOptions[] = [
      { password: bad({ secret }) },
      { tls: { passphrase: bad([secret]) } },
      { proxy: { type: 'socks4', host: 'p', port: 1, username: 'u', password: secret } },
      { proxy: { type: 'http', host: 'p', port: 1, password: secret } },
      { proxy: bad({ type: 'http', host: 'p', port: 1, username: 'u', password: { secret } }) },
    ]
    for (const options of attempts) {
      try {
        resolveOptions(options)
        throw new Error('expected a validation error')
      } catch (error) {
        expect(error).toBeInstanceOf(MqttValidationError)
        expect(String((error as Error).message)).not.toContain(secret)
      }
    }
  })
})

describe('empty client id', () => {
  it.each<[string, ClientOptions]>([
    ['MQTT 3.1 (which needs 1 to 23 characters)', { clientId: '', protocolVersion: 3 }],
    ['MQTT 3.1.1 with clean: false', { clientId: '', protocolVersion: 4, clean: false }],
    ['MQTT 5 with clean: false', { clientId: '', protocolVersion: 5, clean: false }],
    ['the default protocol with clean: false', { clientId: '', clean: false }],
  ])('is refused under %s with MqttValidationError on clientId', (_, options) => {
    expect(fieldOf('mqtt://localhost', options)).toBe('clientId')
    expect(() => resolveOptions('mqtt://localhost', options)).toThrow(/empty clientId|must not be empty/)
  })

  it.each<ClientOptions>([
    { clientId: '' },
    { clientId: '', protocolVersion: 4 },
    { clientId: '', clean: true },
  ])('is sent as it is where the protocol allows it (%o)', (options) => {
    expect(resolveOptions('mqtt://localhost', options).mqtt.clientId).toBe('')
  })
})

describe('auth and topicAliases', () => {
  const method = 'SCRAM-SHA-256'
  it.each<[string, ClientOptions]>([
    ['auth', { auth: bad('token') }],
    ['auth.method', { auth: bad({}) }],
    ['auth.method', { auth: { method: '' } }],
    ['auth.method', { auth: { method: 'a\u0000b' } }],
    ['auth.data', { auth: { method, data: bad('bytes') } }],
    ['auth.onChallenge', { auth: { method, onChallenge: bad('answer') } }],
    ['auth', { auth: { method }, protocolVersion: 4 }],
    ['properties.authenticationMethod', { auth: { method }, properties: { authenticationMethod: method } }],
    [
      'properties.authenticationData',
      { auth: { method }, properties: { authenticationData: new Uint8Array(1) } },
    ],
    ['topicAliases', { topicAliases: bad('always') }],
    ['topicAliases', { topicAliases: 'auto', protocolVersion: 4 }],
  ])('refuses a bad %s', (field, options) => {
    expect(fieldOf('mqtt://localhost', options)).toBe(field)
  })

  it('puts auth in the CONNECT properties and turns off the fallback to MQTT 3.1.1', () => {
    const resolved = resolveOptions('mqtt://localhost', { auth: { method, data: new Uint8Array([1, 2]) } })
    expect(resolved.mqtt.properties).toMatchObject({ authenticationMethod: method })
    expect([...(resolved.mqtt.properties?.authenticationData ?? [])]).toEqual([1, 2])
    expect(resolved.protocolVersionExplicit).toBe(true)
    expect(resolved.topicAliases).toBe('manual')
  })
})
