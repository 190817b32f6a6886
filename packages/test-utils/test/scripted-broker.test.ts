import mqtt from 'mqtt'
import { describe, expect, it } from 'vitest'
import { startScriptedBroker } from '../src/index.js'

describe('startScriptedBroker', () => {
  it('answers CONNECT as told, records packets and sends what the script says', async () => {
    await using broker = await startScriptedBroker({ connack: { properties: { maximumPacketSize: 1234 } } })
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 })
    const connection = await broker.connection()
    expect(connection.protocolVersion).toBe(5)
    expect(connection.connect.clientId).toBe(client.options.clientId)
    await client.subscribeAsync('a/+', { qos: 1 })
    expect(await connection.next('subscribe')).toMatchObject({ subscriptions: [{ topic: 'a/+', qos: 1 }] })
    const received = new Promise<string>((resolve) => client.once('message', (topic) => resolve(topic)))
    connection.send({
      cmd: 'publish',
      topic: 'a/b',
      payload: Buffer.from('x'),
      qos: 0,
      retain: false,
      dup: false,
    })
    expect(await received).toBe('a/b')
    await client.endAsync()
    await connection.closed
    expect(connection.received.map((packet) => packet.cmd)).toEqual(['connect', 'subscribe', 'disconnect'])
  })

  it('speaks MQTT 3.1.1 to a 3.1.1 client and can leave CONNECT unanswered', async () => {
    await using broker = await startScriptedBroker({ connack: (_connect, n) => (n === 0 ? false : {}) })
    const first = mqtt.connect(broker.url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 200 })
    first.on('error', () => {})
    const connection = await broker.connection(0)
    expect(connection.protocolVersion).toBe(4)
    await expect(connection.next('subscribe', 50)).rejects.toThrow(
      /no subscribe .* within 50 ms \(received: connect\)/,
    )
    first.end(true)
    const second = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 })
    expect((await broker.connection(1)).protocolVersion).toBe(4)
    await second.endAsync()
  })
})
