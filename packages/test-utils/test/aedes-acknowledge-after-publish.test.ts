import { connect } from 'node:net'
import type { Aedes } from 'aedes'
import mqtt from 'mqtt'
import mqttPacket, { type Packet } from 'mqtt-packet'
import { describe, expect, it, onTestFinished } from 'vitest'
import { acknowledgeAfterPublish, type IncomingStore } from '../src/aedes-acknowledge-after-publish.js'
import { startAedes, uniqueTopic } from '../src/index.js'

/** What a test reaches inside aedes: its emitter and persistence (untyped in aedes's types). */
interface BrokerParts {
  mq: { emit(packet: { topic: string }, done?: (error?: Error) => void): void }
  persistence: IncomingStore
}

/**
 * An in-process aedes with {@link acknowledgeAfterPublish}, whose emitter holds every message on
 * `topic` until `release()`: the moment a cluster node would still be waiting for Redis.
 */
async function brokerHolding(topic: string) {
  const embedded = await startAedes({ websocket: false })
  onTestFinished(() => embedded.close())
  const parts = embedded.broker as unknown as Aedes & BrokerParts
  acknowledgeAfterPublish(embedded.broker, parts.persistence)
  const emit = parts.mq.emit.bind(parts.mq)
  const held: (() => void)[] = []
  let holding: () => void = () => {}
  const emitted = new Promise<void>((resolve) => {
    holding = resolve
  })
  parts.mq.emit = (packet, done) => {
    if (packet.topic !== topic) return emit(packet, done)
    held.push(() => emit(packet, done))
    holding()
  }
  const client = await mqtt.connectAsync(embedded.url, { reconnectPeriod: 0, clientId: `${topic}-pub` })
  onTestFinished(() => client.endAsync(true))
  const acknowledgements: number[] = []
  client.on('packetreceive', (packet) => {
    if ((packet.cmd === 'puback' || packet.cmd === 'pubrec') && packet.messageId !== undefined) {
      acknowledgements.push(packet.messageId)
    }
  })
  return {
    broker: parts,
    client,
    acknowledgements,
    /** Resolves once a message on `topic` reached the emitter (and is held there). */
    emitted,
    release: () => {
      for (const go of held.splice(0)) go()
    },
  }
}

describe('acknowledgeAfterPublish (the aedes cluster nodes)', () => {
  it('QoS 1: PUBACK only once the message went through the emitter (aedes alone acks first)', async () => {
    const topic = uniqueTopic('ack-after-publish/qos1')
    const { client, acknowledgements, emitted, release } = await brokerHolding(topic)
    const held = client.publishAsync(topic, 'held', { qos: 1 })
    await emitted
    // A later publish on another topic goes through: its PUBACK comes first, so the held one's
    // had not been written (aedes on its own writes PUBACK before it even publishes).
    const other = await client.publishAsync(`${topic}/other`, 'free', { qos: 1 })
    expect(acknowledgements).toEqual([other?.messageId])
    release()
    const first = await held
    expect(acknowledgements).toEqual([other?.messageId, first?.messageId])
  })

  it('QoS 2: the PUBLISH is stored (taken as a duplicate when resent) only once it was published', async () => {
    const topic = uniqueTopic('ack-after-publish/qos2')
    const { broker, client, acknowledgements, emitted, release } = await brokerHolding(topic)
    let messageId: number | undefined
    client.once('packetsend', (packet) => {
      if (packet.cmd === 'publish') messageId = packet.messageId
    })
    const held = client.publishAsync(topic, 'held', { qos: 2 })
    await emitted
    const session = { id: `${topic}-pub` } as Parameters<IncomingStore['incomingGetPacket']>[0]
    const packet = { cmd: 'publish', topic, messageId, qos: 2 } as Parameters<
      IncomingStore['incomingGetPacket']
    >[1]
    // aedes on its own stores it before publishing: a node killed here would leave it stored
    await expect(broker.persistence.incomingGetPacket(session, packet)).rejects.toThrow()
    expect(acknowledgements).toEqual([])
    release()
    await held
    expect(acknowledgements).toEqual([messageId])
  })

  it('QoS 2: a resent PUBLISH already stored is not published again', async () => {
    const topic = uniqueTopic('ack-after-publish/resend')
    const embedded = await startAedes({ websocket: false })
    onTestFinished(() => embedded.close())
    acknowledgeAfterPublish(embedded.broker, (embedded.broker as unknown as BrokerParts).persistence)
    const listener = await mqtt.connectAsync(embedded.url, { reconnectPeriod: 0 })
    onTestFinished(() => listener.endAsync(true))
    // Both messages at QoS 2: MQTT.js hands them on in the order aedes sends them, so a second
    // 'once' would come before 'last'.
    await listener.subscribeAsync(`${topic}/#`, { qos: 2 })
    const received: string[] = []
    const last = new Promise<void>((resolve) =>
      listener.on('message', (_topic, payload) => {
        received.push(payload.toString())
        if (payload.toString() === 'last') resolve()
      }),
    )
    // A raw client: MQTT.js cannot be made to resend a PUBLISH with the same messageId at will.
    const raw = await rawClient(embedded.port)
    const publish = (subtopic: string, payload: string, messageId: number, dup = false) =>
      raw.send({
        cmd: 'publish',
        topic: `${topic}/${subtopic}`,
        payload,
        qos: 2,
        messageId,
        dup,
        retain: false,
      })
    publish('a', 'once', 7)
    expect(await raw.next('pubrec')).toMatchObject({ messageId: 7 })
    // the PUBREC was lost, say: the client sends the PUBLISH again
    publish('a', 'once', 7, true)
    expect(await raw.next('pubrec')).toMatchObject({ messageId: 7 })
    raw.send({ cmd: 'pubrel', messageId: 7 })
    expect(await raw.next('pubcomp')).toMatchObject({ messageId: 7 })
    publish('b', 'last', 8)
    expect(await raw.next('pubrec')).toMatchObject({ messageId: 8 })
    raw.send({ cmd: 'pubrel', messageId: 8 })
    await last
    expect(received).toEqual(['once', 'last'])
  })
})

/** A bare MQTT 3.1.1 connection to 127.0.0.1:`port`, connected, that sends and awaits packets. */
async function rawClient(port: number) {
  const socket = connect(port, '127.0.0.1')
  onTestFinished(() => {
    socket.destroy()
  })
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  const packets: Packet[] = []
  const waiting: { cmd: Packet['cmd']; resolve: (packet: Packet) => void }[] = []
  parser.on('packet', (packet) => {
    const index = waiting.findIndex((wait) => wait.cmd === packet.cmd)
    const [wait] = index < 0 ? [] : waiting.splice(index, 1)
    if (wait) wait.resolve(packet)
    else packets.push(packet)
  })
  socket.on('data', (chunk) => parser.parse(chunk))
  const client = {
    send: (packet: Packet) => socket.write(mqttPacket.generate(packet)),
    next: (cmd: Packet['cmd']) =>
      new Promise<Packet>((resolve) => {
        const index = packets.findIndex((packet) => packet.cmd === cmd)
        const [packet] = index < 0 ? [] : packets.splice(index, 1)
        if (packet) resolve(packet)
        else waiting.push({ cmd, resolve })
      }),
  }
  client.send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: '',
    keepalive: 0,
  })
  await client.next('connack')
  return client
}
