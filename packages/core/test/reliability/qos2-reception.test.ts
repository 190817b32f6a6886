import {
  type ScriptedConnection,
  type StartScriptedBrokerOptions,
  startScriptedBroker,
} from '@await-mqtt/test-utils'
import type { IPublishPacket, Packet } from 'mqtt'
import { describe, expect, it } from 'vitest'
import { type AckMode, Client, type ClientOptions, type Message } from '../../src/index.js'

/** A QoS 2 PUBLISH from the broker. */
function publish(messageId: number, topic: string, payload: string, extra: Partial<IPublishPacket> = {}) {
  const packet: IPublishPacket = {
    cmd: 'publish',
    qos: 2,
    dup: false,
    retain: false,
    messageId,
    topic,
    payload: Buffer.from(payload),
    ...extra,
  }
  return packet
}

/** A scripted broker, a client subscribed to `qos2/#` at QoS 2, and a reader of its subscription. */
async function scripted(options: ClientOptions = {}, brokerOptions: StartScriptedBrokerOptions = {}) {
  const broker = await startScriptedBroker(brokerOptions)
  const client = await Client.connect(broker.url, { protocolVersion: 5, ...options })
  const connection = await broker.connection()
  const subscription = await client.subscribe('qos2/#', { qos: 2 })
  const reader = subscription[Symbol.asyncIterator]()
  return {
    broker,
    client,
    connection,
    /** The next message the subscription hands out; fails after `ms` (it may never come). */
    async read(ms = 3_000): Promise<Message> {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms)
      })
      try {
        const result = await Promise.race([reader.next(), late])
        if (result.done) throw new Error('the subscription ended')
        return result.value
      } finally {
        clearTimeout(timer)
      }
    },
    /** The ids of the PUBREC packets the broker received so far. */
    pubrecs: () => pubrecIds(connection),
    /**
     * Two QoS 1 round trips: the client has handled whatever the broker sent before (the first
     * PUBACK comes after it) and the broker has parsed whatever the client wrote while handling it
     * (the client's second PUBLISH comes after it).
     */
    async settle() {
      await client.publish('round-trip', '', { qos: 1 })
      await client.publish('round-trip', '', { qos: 1 })
    },
    async [Symbol.asyncDispose]() {
      await reader.return?.()
      await client.close()
      await broker.close()
    },
  }
}

function pubrecIds(connection: ScriptedConnection): number[] {
  return connection.received.flatMap((packet: Packet) =>
    packet.cmd === 'pubrec' && packet.messageId !== undefined ? [packet.messageId] : [],
  )
}

/** PUBREL `messageId`, and the client's PUBCOMP for it. */
async function release(connection: ScriptedConnection, messageId: number): Promise<void> {
  connection.send({ cmd: 'pubrel', messageId })
  const pubcomp = await connection.next('pubcomp')
  expect(pubcomp).toMatchObject({ cmd: 'pubcomp', messageId })
}

describe('QoS 2 reception (scripted broker, MQTT 5)', () => {
  it('a QoS 2 message sent by topic alias arrives with its topic', async () => {
    await using run = await scripted({ properties: { topicAliasMaximum: 10 } })
    const { connection } = run
    expect(connection.connect.properties?.topicAliasMaximum).toBe(10)
    connection.send(publish(1, 'qos2/aliased', 'one', { properties: { topicAlias: 1 } }))
    connection.send(publish(2, '', 'two', { properties: { topicAlias: 1 } })) // the alias alone
    expect((await connection.next('pubrec')).messageId).toBe(1)
    expect((await connection.next('pubrec')).messageId).toBe(2)
    await release(connection, 1)
    await release(connection, 2)
    connection.send(publish(3, 'qos2/plain', 'three', { qos: 1 }))
    const seen: string[] = []
    for (;;) {
      const message = await run.read()
      seen.push(`${message.topic.value} ${message.text()}`)
      if (message.text() === 'three') break
    }
    expect(seen).toEqual(['qos2/aliased one', 'qos2/aliased two', 'qos2/plain three'])
  })

  it("ack: 'after-processing' holds the PUBREC until the reader asks for the next message", async () => {
    await using run = await scripted({ ack: 'after-processing' })
    const { connection } = run
    connection.send(publish(1, 'qos2/a', 'a'))
    connection.send(publish(2, 'qos2/b', 'b'))
    await run.settle()
    expect(run.pubrecs()).toEqual([]) // both received, neither processed
    expect((await run.read()).text()).toBe('a')
    await run.settle()
    expect(run.pubrecs()).toEqual([]) // a is being processed, b waits in the queue
    expect((await run.read()).text()).toBe('b') // done with a
    expect((await connection.next('pubrec')).messageId).toBe(1)
    await run.settle()
    expect(run.pubrecs()).toEqual([1])
    await release(connection, 1) // PUBREL answered with PUBCOMP at once
    const third = run.read() // done with b
    expect((await connection.next('pubrec')).messageId).toBe(2)
    await release(connection, 2)
    connection.send(publish(3, 'qos2/c', 'c'))
    expect((await third).text()).toBe('c')
  })

  it.each<{ ack: AckMode; pubrecs: number[] }>([
    { ack: 'on-receipt', pubrecs: [5, 5] }, // each PUBLISH answered
    { ack: 'after-processing', pubrecs: [5] }, // answered once, when processed
  ])(
    'ack $ack: a PUBLISH sent again (DUP) before PUBREL is not delivered twice',
    async ({ ack, pubrecs }) => {
      await using run = await scripted({ ack })
      const { connection } = run
      connection.send(publish(5, 'qos2/x', 'x'))
      const first = await run.read() // delivered on PUBLISH, before PUBREL
      expect(first).toMatchObject({ messageId: 5, dup: false })
      connection.send(publish(5, 'qos2/x', 'x', { dup: true }))
      await run.settle()
      const next = run.read() // done with x
      await connection.next('pubrec')
      await run.settle()
      expect(run.pubrecs()).toEqual(pubrecs)
      await release(connection, 5)
      connection.send(publish(6, 'qos2/y', 'y'))
      expect((await next).text()).toBe('y') // not x again
    },
  )

  it('a packet id used again is a new message: after PUBCOMP, or with another payload', async () => {
    await using run = await scripted()
    const { connection } = run
    connection.send(publish(7, 'qos2/p', 'p'))
    expect((await run.read()).text()).toBe('p')
    // The same id with another payload, no PUBREL between: the broker moved on; not a resend.
    connection.send(publish(7, 'qos2/p', 'q'))
    expect((await run.read()).text()).toBe('q')
    await release(connection, 7)
    // After PUBCOMP the id is free: the same topic and payload again are a new message.
    connection.send(publish(7, 'qos2/p', 'q'))
    expect((await run.read()).text()).toBe('q')
    await release(connection, 7)
    expect(run.pubrecs()).toEqual([7, 7, 7])
  })

  it("ack: 'after-processing': resent after a reconnection (session present), a message still processed is not delivered again; its PUBREC goes on the new connection", async () => {
    await using run = await scripted(
      {
        ack: 'after-processing',
        clientId: 'qos2-resumed',
        clean: false,
        sessionExpiryInterval: 60,
        reconnect: { minDelay: 10, maxDelay: 50 },
      },
      { connack: (_connect, n) => ({ sessionPresent: n > 0 }) },
    )
    const { broker, connection } = run
    connection.send(publish(9, 'qos2/r', 'r'))
    expect((await run.read()).text()).toBe('r') // being processed: PUBREC held
    connection.destroy()
    const again = await broker.connection(1)
    again.send(publish(9, 'qos2/r', 'r', { dup: true }))
    await run.settle() // the resend was handled (and is held: still being processed)
    expect(pubrecIds(again)).toEqual([])
    const next = run.read() // done with r
    expect((await again.next('pubrec')).messageId).toBe(9)
    await release(again, 9)
    again.send(publish(10, 'qos2/s', 's'))
    expect((await next).text()).toBe('s') // not r again
    expect(pubrecIds(connection)).toEqual([])
  })
})
