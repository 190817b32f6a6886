import type { PayloadInput } from '@await-mqtt/core'
import { describe, expect, it } from 'vitest'
import { createMqttClient } from '../../src/mqttjs/create-mqtt-client.js'
import { reconnectDefaults, resolveOptions } from '../../src/options/resolve-options.js'

describe('resolveOptions defaults', () => {
  const resolved = resolveOptions({ hostname: 'broker.local' })

  it('applies the documented defaults', () => {
    expect(resolved.mqtt).toMatchObject({
      protocol: 'mqtt',
      hostname: 'broker.local',
      port: 1883,
      keepalive: 60,
      clean: true,
      protocolVersion: 5,
      reconnectPeriod: 0,
      manualConnect: true,
    })
    expect(resolved.timeout).toBe(10_000)
    expect(resolved.queue).toEqual({
      maxQueued: 10_000,
      maxQueuedBytes: 64 * 1024 * 1024,
      overflow: 'drop-oldest',
    })
    expect(resolved.reconnect).toBeUndefined()
    expect(resolved.maxConcurrentOutgoingCalls).toBeUndefined()
    expect(resolved.logger).toBeUndefined()
    expect(resolved.protocolVersion).toBe(5)
    expect(resolved.protocolVersionExplicit).toBe(false)
    expect(resolved.target).toMatchObject({ transport: 'tcp', tls: undefined, proxy: undefined })
    expect(resolved.address).toBe('mqtt://broker.local:1883')
  })

  it('makes a random client id await-mqtt_ + 8 hex digits', () => {
    expect(resolved.clientId).toMatch(/^await-mqtt_[0-9a-f]{8}$/)
    expect(resolved.mqtt.clientId).toBe(resolved.clientId)
    expect(resolveOptions({}).clientId).not.toBe(resolved.clientId)
  })

  it('defaults to localhost', () => {
    expect(resolveOptions({}).address).toBe('mqtt://localhost:1883')
  })

  it.each([
    [{ tls: true }, 8883, 'mqtts'],
    [{ transport: 'websockets' as const }, 80, 'ws'],
    [{ transport: 'websockets' as const, tls: true }, 443, 'wss'],
  ])('picks the port and protocol for %j', (options, port, protocol) => {
    const { mqtt } = resolveOptions({ hostname: 'h', ...options })
    expect(mqtt.port).toBe(port)
    expect(mqtt.protocol).toBe(protocol)
  })

  it('fills reconnect: true from the defaults and merges partial reconnect options', () => {
    expect(resolveOptions({ reconnect: true }).reconnect).toEqual(reconnectDefaults)
    expect(resolveOptions({ reconnect: { maxDelay: 5000 } }).reconnect).toEqual({
      ...reconnectDefaults,
      maxDelay: 5000,
    })
    expect(resolveOptions({ reconnect: false }).reconnect).toBeUndefined()
  })

  it('marks an explicit protocol version', () => {
    const v4 = resolveOptions({ protocolVersion: 4 })
    expect([v4.protocolVersion, v4.protocolVersionExplicit]).toEqual([4, true])
  })
})

describe('resolveOptions with a URL', () => {
  it('lets explicit options win over the URL', () => {
    const resolved = resolveOptions('mqtt://alice:one@broker.local:1884', { port: 1999, username: 'bob' })
    expect(resolved.mqtt).toMatchObject({ hostname: 'broker.local', port: 1999, username: 'bob' })
    expect(Buffer.from(resolved.mqtt.password as Buffer).toString()).toBe('one')
  })

  it('does not let fields set to undefined erase the URL', () => {
    expect(resolveOptions('mqtt://broker.local:1999', { port: undefined, hostname: undefined }).address).toBe(
      'mqtt://broker.local:1999',
    )
  })

  it('takes options objects with a url field', () => {
    expect(resolveOptions({ url: 'wss://broker.local/ws', keepalive: 5 })).toMatchObject({
      address: 'wss://broker.local:443/ws',
      target: { transport: 'websockets', websocketPath: '/ws' },
      mqtt: { keepalive: 5 },
    })
  })

  it('turns TLS on for mqtts:// with verification on', () => {
    const { target } = resolveOptions('mqtts://broker.local')
    expect(target.tls).toEqual({ rejectUnauthorized: true, servername: 'broker.local' })
  })

  it('lets an explicit tls option override the URL scheme', () => {
    expect(resolveOptions('mqtts://broker.local', { tls: false }).target.tls).toBeUndefined()
    const upgraded = resolveOptions('mqtt://broker.local', { tls: { ca: 'PEM' } })
    expect(upgraded.address).toBe('mqtts://broker.local:8883')
  })

  it('keeps TLS options given next to an mqtts:// URL', () => {
    const { target } = resolveOptions('mqtts://broker.local', { tls: { ca: 'PEM', minVersion: 'TLSv1.3' } })
    expect(target.tls).toMatchObject({ ca: 'PEM', minVersion: 'TLSv1.3', rejectUnauthorized: true })
  })
})

describe('resolveOptions TLS', () => {
  it('does not send an IP address as SNI server name', () => {
    expect(resolveOptions({ hostname: '127.0.0.1', tls: true }).target.tls?.servername).toBeUndefined()
    expect(resolveOptions({ hostname: '::1', tls: true }).target.tls?.servername).toBeUndefined()
  })

  it('maps every TLS option and turns byte arrays into Buffers', () => {
    const { target } = resolveOptions({
      hostname: 'h',
      tls: {
        ca: [new Uint8Array([1, 2]), 'PEM'],
        cert: 'CERT',
        key: new Uint8Array([3]),
        passphrase: 'pp',
        rejectUnauthorized: false,
        servername: 'other',
        ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
        minVersion: 'TLSv1.2',
        ALPNProtocols: ['mqtt'],
      },
    })
    expect(target.tls).toEqual({
      ca: [Buffer.from([1, 2]), 'PEM'],
      cert: 'CERT',
      key: Buffer.from([3]),
      passphrase: 'pp',
      rejectUnauthorized: false,
      servername: 'other',
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
      minVersion: 'TLSv1.2',
      ALPNProtocols: ['mqtt'],
    })
  })
})

describe('resolveOptions session and will', () => {
  it('puts sessionExpiryInterval into the CONNECT properties, over properties.sessionExpiryInterval', () => {
    const { mqtt } = resolveOptions({
      clean: false,
      sessionExpiryInterval: 300,
      properties: { sessionExpiryInterval: 1, userProperties: { app: 'x' }, receiveMaximum: 10 },
    })
    expect(mqtt.clean).toBe(false)
    expect(mqtt.properties).toEqual({
      sessionExpiryInterval: 300,
      userProperties: { app: 'x' },
      receiveMaximum: 10,
      maximumPacketSize: 16 * 1024 * 1024,
    })
  })

  it('sends only the Maximum Packet Size (maxIncomingPacketSize) under MQTT 5 when no properties are given', () => {
    expect(resolveOptions({}).mqtt.properties).toEqual({ maximumPacketSize: 16 * 1024 * 1024 })
    expect(resolveOptions({ protocolVersion: 4 }).mqtt.properties).toBeUndefined()
    expect(resolveOptions({ maxIncomingPacketSize: 1000 }).maxIncomingPacketSize).toBe(1000)
  })

  it("bounds incoming packets by the smaller of maxIncomingPacketSize and properties.maximumPacketSize, sending the user's", () => {
    const resolved = resolveOptions({ properties: { maximumPacketSize: 500 } })
    expect(resolved.maxIncomingPacketSize).toBe(500)
    expect(resolved.mqtt.properties).toEqual({ maximumPacketSize: 500 })
    expect(
      resolveOptions({ maxIncomingPacketSize: 100, properties: { maximumPacketSize: 500 } })
        .maxIncomingPacketSize,
    ).toBe(100)
  })

  it.each([0, 15, 1.5, 268_435_461, '1000', Number.NaN])(
    'refuses maxIncomingPacketSize %s with MqttValidationError',
    (value) => {
      expect(() => resolveOptions({ maxIncomingPacketSize: value as number })).toThrow(
        expect.objectContaining({ name: 'MqttValidationError', field: 'maxIncomingPacketSize' }),
      )
    },
  )

  it('encodes the will payload like a publish payload', () => {
    const will = (payload: PayloadInput) => resolveOptions({ will: { topic: 't', payload } }).mqtt.will
    expect(will(0.5)?.payload.toString()).toBe('0.5')
    expect(will(true)?.payload.toString()).toBe('true')
    expect(will(null)?.payload).toHaveLength(0)
    expect(will(new Uint8Array([7]))?.payload).toEqual(Buffer.from([7]))
    expect(resolveOptions({ will: { topic: 't' } }).mqtt.will).toMatchObject({ qos: 0, retain: false })
  })

  it('maps will properties', () => {
    const { mqtt } = resolveOptions({
      will: {
        topic: 'status',
        payload: 'gone',
        qos: 1,
        retain: true,
        properties: { willDelayInterval: 5, correlationData: new Uint8Array([1]), contentType: 'text/plain' },
      },
    })
    expect(mqtt.will).toEqual({
      topic: 'status',
      payload: 'gone',
      qos: 1,
      retain: true,
      properties: { willDelayInterval: 5, correlationData: Buffer.from([1]), contentType: 'text/plain' },
    })
  })

  it('passes mqtt options through, over everything else', () => {
    const { mqtt } = resolveOptions({ keepalive: 10, mqtt: { keepalive: 20, protocolId: 'MQTT' } })
    expect(mqtt.keepalive).toBe(20)
  })

  it('never mutates the caller objects', () => {
    const options = { hostname: 'h', properties: { receiveMaximum: 5 }, sessionExpiryInterval: 9 }
    const copy = structuredClone(options)
    resolveOptions(options, { keepalive: 3 })
    expect(options).toEqual(copy)
  })
})

describe('createMqttClient', () => {
  it('builds a client that has not connected and will not reconnect by itself', () => {
    const client = createMqttClient(resolveOptions({ hostname: '127.0.0.1', port: 1 }))
    expect(client.options.reconnectPeriod).toBe(0)
    expect(client.options.manualConnect).toBe(true)
    expect(client.connected).toBe(false)
    expect(client.stream).toBeUndefined()
  })

  it('uses protocol id MQIsdp for MQTT 3.1', () => {
    const client = createMqttClient(resolveOptions({ protocolVersion: 3 }))
    expect(client.options.protocolId).toBe('MQIsdp')
  })
})
