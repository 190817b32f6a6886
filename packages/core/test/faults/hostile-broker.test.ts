import { type ScriptedConnection, startScriptedBroker } from '@await-mqtt/test-utils'
import type { IDisconnectPacket, IPublishPacket } from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import {
  Client,
  type ClientOptions,
  MqttConnectError,
  MqttConnectionLostError,
  ReasonCode,
} from '../../src/index.js'
import { nextEvent } from '../reliability/helpers.js'
import { watchProcess } from './watch.js'

const fast = { minDelay: 20, maxDelay: 100, jitter: 0 }

/** A scripted broker that answers only CONNECT and PINGREQ, a client connected to it and a stream. */
async function connected(options: ClientOptions = {}) {
  const broker = await startScriptedBroker({ autoAck: false })
  const client = await Client.connect(broker.url, { timeout: 3_000, ...options })
  const connection = await broker.connection()
  const stream = client.messages()
  const reading = stream.next().catch((caught: unknown) => caught)
  return {
    broker,
    client,
    connection,
    reading,
    async [Symbol.asyncDispose]() {
      await client.close()
      await broker.close()
    },
  }
}

/** The client sent DISCONNECT with `reasonCode` and closed the socket. */
async function closedByClient(connection: ScriptedConnection, reasonCode: number): Promise<void> {
  const disconnect = (await connection.next('disconnect', 3_000)) as IDisconnectPacket
  expect(disconnect.reasonCode).toBe(reasonCode)
  await connection.closed
}

/** `error` says the client closed the connection because of what the broker sent. */
function expectClientDetected(error: unknown, reasonCode: number): void {
  expect(error).toBeInstanceOf(MqttConnectionLostError)
  const lost = error as MqttConnectionLostError
  expect(lost.closedBy).toBe('client')
  expect(lost.reasonCode).toBe(reasonCode)
  expect(lost.message).toMatch(/the client closed the connection/)
  expect(lost.message).not.toMatch(/sent DISCONNECT/)
}

const publishOne = (connection: ScriptedConnection, messageId: number, text: string): Buffer =>
  connection.encode({
    cmd: 'publish',
    topic: 'hostile/t',
    payload: Buffer.from(text),
    qos: 1,
    messageId,
    dup: false,
    retain: false,
  })

describe('a broker that sends broken packets after CONNACK: the client closes at once (MQTT 5 §4.13)', () => {
  const bodyErrors: Array<[string, (messageId: number) => number[]]> = [
    ['a PUBACK with an invalid reason code', (id) => [0x40, 0x03, id >> 8, id & 0xff, 0x05]],
    ['a PUBACK with an unknown property', (id) => [0x40, 0x06, id >> 8, id & 0xff, 0x00, 0x02, 0x7f, 0x00]],
    ['a PUBREC with an invalid reason code', (id) => [0x50, 0x03, id >> 8, id & 0xff, 0x05]],
  ]
  for (const [what, bytes] of bodyErrors) {
    it(`${what}: DISCONNECT 0x81, the publish in flight and the stream fail, client-detected`, async () => {
      const watch = watchProcess()
      await using setup = await connected()
      const { client, connection, reading } = setup
      const publishing = client
        .publish('hostile/p', 'x', { qos: what.includes('PUBREC') ? 2 : 1 })
        .catch((caught: unknown) => caught)
      const publish = (await connection.next('publish')) as IPublishPacket
      connection.sendRaw(Uint8Array.from(bytes(publish.messageId ?? 0)))
      await closedByClient(connection, ReasonCode.MalformedPacket)
      expectClientDetected(await publishing, ReasonCode.MalformedPacket)
      expectClientDetected(await reading, ReasonCode.MalformedPacket)
      expect(client.state).toBe('disconnected')
      await setup[Symbol.asyncDispose]()
      expect(await watch.leaked()).toEqual({})
      expect(watch.unhandled).toEqual([])
    })
  }

  it('a SUBACK with an invalid reason code: the subscribe in flight fails, DISCONNECT 0x81', async () => {
    await using setup = await connected()
    const { client, connection, reading } = setup
    const subscribing = client.subscribe('hostile/#', { qos: 1 }).catch((caught: unknown) => caught)
    const subscribe = await connection.next('subscribe')
    const id = subscribe.cmd === 'subscribe' ? (subscribe.messageId ?? 0) : 0
    connection.sendRaw(Uint8Array.of(0x90, 0x04, id >> 8, id & 0xff, 0x00, 0x05))
    await closedByClient(connection, ReasonCode.MalformedPacket)
    expectClientDetected(await subscribing, ReasonCode.MalformedPacket)
    expectClientDetected(await reading, ReasonCode.MalformedPacket)
  })

  it('an AUTH with an invalid reason code: DISCONNECT 0x81', async () => {
    await using setup = await connected()
    setup.connection.sendRaw(Uint8Array.of(0xf0, 0x02, 0x05, 0x00))
    await closedByClient(setup.connection, ReasonCode.MalformedPacket)
    expectClientDetected(await setup.reading, ReasonCode.MalformedPacket)
  })

  it('a DISCONNECT with an invalid reason code: closed as malformed, not as a broker DISCONNECT', async () => {
    await using setup = await connected()
    setup.connection.sendRaw(Uint8Array.of(0xe0, 0x02, 0x05, 0x00))
    await closedByClient(setup.connection, ReasonCode.MalformedPacket)
    expectClientDetected(await setup.reading, ReasonCode.MalformedPacket)
  })

  it('a second CONNACK with bad flags: DISCONNECT 0x82', async () => {
    await using setup = await connected()
    setup.connection.sendRaw(Uint8Array.of(0x20, 0x03, 0x02, 0x00, 0x00))
    await closedByClient(setup.connection, ReasonCode.ProtocolError)
    expectClientDetected(await setup.reading, ReasonCode.ProtocolError)
  })

  const headerErrors: Array<[string, number[]]> = [
    ['a Remaining Length of 5 bytes', [0x30, 0xff, 0xff, 0xff, 0xff, 0x01]],
    ['a PUBLISH with QoS 3', [0x36, 0x07, 0x00, 0x01, 0x61, 0x00, 0x01, 0x00, 0x78]],
    ['a packet of reserved type 0', [0x00, 0x00]],
    ['a PUBREL with reserved flags 0', [0x60, 0x02, 0x00, 0x01]],
  ]
  for (const [what, bytes] of headerErrors) {
    it(`${what} (MQTT.js skips it silently): DISCONNECT 0x81`, async () => {
      await using setup = await connected()
      setup.connection.sendRaw(Uint8Array.from(bytes))
      await closedByClient(setup.connection, ReasonCode.MalformedPacket)
      expectClientDetected(await setup.reading, ReasonCode.MalformedPacket)
    })
  }

  it('a SUBSCRIBE (only clients send it): DISCONNECT 0x82 Protocol Error', async () => {
    await using setup = await connected()
    setup.connection.sendRaw(Uint8Array.of(0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00))
    await closedByClient(setup.connection, ReasonCode.ProtocolError)
    expectClientDetected(await setup.reading, ReasonCode.ProtocolError)
  })

  it('a PUBLISH by a topic alias the client never allowed: reported as client-detected (0x94), not as a broker DISCONNECT', async () => {
    await using setup = await connected()
    const { connection, reading } = setup
    connection.send({
      cmd: 'publish',
      topic: 'hostile/a',
      payload: Buffer.from('x'),
      qos: 0,
      dup: false,
      retain: false,
      properties: { topicAlias: 3 },
    })
    const error = await reading
    expectClientDetected(error, ReasonCode.TopicAliasInvalid)
    await connection.closed
  })

  it('under MQTT 3.1.1 a broken packet closes the socket (no DISCONNECT to send)', async () => {
    await using setup = await connected({ protocolVersion: 4 })
    setup.connection.sendRaw(Uint8Array.of(0x36, 0x02, 0x00, 0x01))
    await setup.connection.closed
    expectClientDetected(await setup.reading, ReasonCode.MalformedPacket)
    expect(setup.connection.received.map((packet) => packet.cmd)).toEqual(['connect'])
  })

  it('a CONNACK with bad flags fails Client.connect with failure protocol-error', async () => {
    await using broker = await startScriptedBroker({ connack: false })
    const connecting = Client.connect(broker.url, { timeout: 3_000 }).catch((caught: unknown) => caught)
    const connection = await broker.connection()
    connection.sendRaw(Uint8Array.of(0x20, 0x03, 0x02, 0x00, 0x00))
    const error = await connecting
    expect(error).toBeInstanceOf(MqttConnectError)
    expect((error as MqttConnectError).failure).toBe('protocol-error')
    expect((error as Error).message).toMatch(/Malformed Packet/)
    await connection.closed
  })
})

describe('what comes in the same TCP segment after a broken packet is never acknowledged', () => {
  it('a valid QoS 1 PUBLISH after a malformed one is not acked, and is delivered once the persistent session resends it', async () => {
    const watch = watchProcess()
    await using broker = await startScriptedBroker({
      autoAck: false,
      connack: (_connect, n) => ({ sessionPresent: n > 0 }),
    })
    const client = await Client.connect(broker.url, {
      clean: false,
      sessionExpiryInterval: 60,
      reconnect: fast,
      timeout: 3_000,
    })
    const events = client.events()
    const stream = client.messages()
    const first = await broker.connection(0)
    first.sendRaw(Buffer.concat([Buffer.from([0x00, 0x00]), publishOne(first, 7, 'kept')]))
    await closedByClient(first, ReasonCode.MalformedPacket)
    expect(first.received.map((packet) => packet.cmd)).toEqual(['connect', 'disconnect'])
    const disconnected = await nextEvent(events, 'disconnected')
    expect(disconnected.willReconnect).toBe(true)
    expectClientDetected(disconnected.cause, ReasonCode.MalformedPacket)
    expect(await nextEvent(events, 'connected')).toMatchObject({ type: 'connected', sessionPresent: true })
    const second = await broker.connection(1)
    const resent = publishOne(second, 7, 'kept')
    resent[0] = (resent[0] as number) | 0x08 // DUP: a resend
    second.sendRaw(resent)
    const delivered = await stream.next()
    expect(delivered.value?.text()).toBe('kept')
    expect(await second.next('puback')).toMatchObject({ messageId: 7 })
    expect(stream.queued).toBe(0)
    await client.close()
    await broker.close()
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  })
})

describe('a broker DISCONNECT ends the connection even if the socket stays open', () => {
  it('DISCONNECT 0x8B without closing: the client closes, the error carries reasonCode and reasonString', async () => {
    const watch = watchProcess()
    await using setup = await connected()
    const { client, connection, reading } = setup
    const events = client.events()
    connection.send({
      cmd: 'disconnect',
      reasonCode: ReasonCode.ServerShuttingDown,
      properties: { reasonString: 'maintenance' },
    })
    await connection.closed // the client closed it: the broker never did
    const error = (await reading) as MqttConnectionLostError
    expect(error).toBeInstanceOf(MqttConnectionLostError)
    expect(error.closedBy).toBe('broker')
    expect(error.reasonCode).toBe(ReasonCode.ServerShuttingDown)
    expect(error.reasonString).toBe('maintenance')
    expect(error.message).toMatch(/the broker sent DISCONNECT: Server Shutting Down/i)
    expect((await nextEvent(events, 'disconnected')).cause).toBe(error)
    expect(client.state).toBe('disconnected')
    expect(connection.received.map((packet) => packet.cmd)).toEqual(['connect'])
    await setup[Symbol.asyncDispose]()
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  })

  it('a QoS 1 PUBLISH after the DISCONNECT (same segment) is neither delivered nor acknowledged', async () => {
    await using setup = await connected()
    const { client, connection, reading } = setup
    const disconnect = connection.encode({ cmd: 'disconnect', reasonCode: ReasonCode.ServerShuttingDown })
    connection.sendRaw(Buffer.concat([disconnect, publishOne(connection, 3, 'after')]))
    const error = await reading
    expect(error).toMatchObject({ closedBy: 'broker', reasonCode: ReasonCode.ServerShuttingDown })
    await connection.closed
    expect(connection.received.map((packet) => packet.cmd)).toEqual(['connect'])
    expect(client.state).toBe('disconnected')
  })
})

describe('incoming packets above the Maximum Packet Size are refused from the fixed header', () => {
  it('a broker declaring a 256 MB PUBLISH: DISCONNECT 0x95 from its first bytes, memory does not grow', async () => {
    const watch = watchProcess()
    await using setup = await connected()
    const { connection, reading } = setup
    const rssBefore = process.memoryUsage().rss
    // A PUBLISH of 268,435,455 bytes (the most MQTT can say), then body bytes until the client hangs up.
    connection.sendRaw(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, 0x61))
    const chunk = Buffer.alloc(1024 * 1024, 0x78)
    let sent = 0
    const feeding = (async () => {
      while (!connection.isClosed && sent < 96 * 1024 * 1024) {
        sent += chunk.length
        if (!connection.socket.write(chunk)) {
          await new Promise((resolve) => {
            connection.socket.once('drain', resolve)
            connection.socket.once('close', resolve)
          })
        }
      }
    })()
    await closedByClient(connection, ReasonCode.PacketTooLarge)
    await feeding
    expectClientDetected(await reading, ReasonCode.PacketTooLarge)
    expect(((await reading) as Error).message).toMatch(/268435460 bytes \(the most accepted is 16777216\)/)
    // Before the fix MQTT.js buffered every byte sent (96 MB); now nothing past the header is kept.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(48 * 1024 * 1024)
    await setup[Symbol.asyncDispose]()
    expect(await watch.leaked()).toEqual({})
  })

  it('maxIncomingPacketSize bounds incoming packets and is sent as the Maximum Packet Size in CONNECT', async () => {
    await using setup = await connected({ maxIncomingPacketSize: 1_000 })
    const { connection, reading } = setup
    expect(connection.connect.properties?.maximumPacketSize).toBe(1_000)
    connection.send({
      cmd: 'publish',
      topic: 'hostile/big',
      payload: Buffer.alloc(1_000),
      qos: 0,
      dup: false,
      retain: false,
    })
    await closedByClient(connection, ReasonCode.PacketTooLarge)
    expectClientDetected(await reading, ReasonCode.PacketTooLarge)
  })

  it("the user's smaller properties.maximumPacketSize applies to what comes in", async () => {
    await using setup = await connected({ properties: { maximumPacketSize: 200 } })
    const { connection, reading } = setup
    expect(connection.connect.properties?.maximumPacketSize).toBe(200)
    connection.send({
      cmd: 'publish',
      topic: 'hostile/big',
      payload: Buffer.alloc(300),
      qos: 1,
      messageId: 1,
      dup: false,
      retain: false,
    })
    await closedByClient(connection, ReasonCode.PacketTooLarge)
    expectClientDetected(await reading, ReasonCode.PacketTooLarge)
    expect(connection.received.map((packet) => packet.cmd)).toEqual(['connect', 'disconnect'])
  })
})
