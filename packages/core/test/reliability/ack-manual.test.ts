import { setTimeout as sleep } from 'node:timers/promises'
import {
  mosquittoAvailable,
  mosquittoSkipReason,
  type ScriptedConnection,
  startMosquitto,
  startScriptedBroker,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type ConnectionEvent, type Message, MqttValidationError } from '../../src/index.js'

/** A client with `ack: 'manual'` on a scripted broker, which sends what the test tells it to. */
async function scripted(protocolVersion: 4 | 5) {
  const broker = await startScriptedBroker()
  const client = await Client.connect(broker.url, { ack: 'manual', protocolVersion })
  const connection = await broker.connection(0)
  const messages = client.messages()
  const publish = (messageId: number, qos: 1 | 2, payload = `m${messageId}`) =>
    connection.send({
      cmd: 'publish',
      topic: 'jobs/a',
      payload: Buffer.from(payload),
      qos,
      messageId,
      retain: false,
      dup: false,
    })
  return {
    client,
    connection,
    messages,
    publish,
    async [Symbol.asyncDispose]() {
      await client.close()
      await broker.close()
    },
  }
}

/** The identifiers of the next `count` packets of `cmd` the client sends. */
async function nextIds(connection: ScriptedConnection, cmd: 'puback' | 'pubrec', count: number) {
  const ids: number[] = []
  for (let i = 0; i < count; i++) {
    const packet = await connection.next(cmd)
    if (packet.cmd === cmd) ids.push(packet.messageId ?? -1)
  }
  return ids
}

describe("ack: 'manual' (scripted broker: the packets on the wire)", () => {
  it('sends each PUBACK when message.ack() is called, in any order, once', async () => {
    await using setup = await scripted(4)
    const { connection, messages, publish } = setup
    for (const id of [1, 2, 3]) publish(id, 1)
    const read: Message[] = []
    for (let i = 0; i < 3; i++) read.push((await messages.next()).value as Message)
    const [first, second, third] = read as [Message, Message, Message]
    third.ack()
    third.ack() // idempotent: no second PUBACK
    expect(await nextIds(connection, 'puback', 1)).toEqual([3]) // acknowledged on receipt, 1 would come first
    first.ack()
    second.ack()
    expect(await nextIds(connection, 'puback', 2)).toEqual([1, 2])
    expect(connection.received.filter((packet) => packet.cmd === 'puback')).toHaveLength(3) // no second PUBACK of 3
  })

  it('QoS 2: PUBREC waits for ack(), then PUBREL is answered with PUBCOMP', async () => {
    await using setup = await scripted(4)
    const { connection, messages, publish } = setup
    publish(7, 2)
    publish(8, 2)
    const seven = (await messages.next()).value as Message
    const eight = (await messages.next()).value as Message
    eight.ack()
    expect(await nextIds(connection, 'pubrec', 1)).toEqual([8])
    seven.ack()
    expect(await nextIds(connection, 'pubrec', 1)).toEqual([7])
    connection.send({ cmd: 'pubrel', messageId: 7 })
    const pubcomp = await connection.next('pubcomp')
    expect(pubcomp.cmd === 'pubcomp' && pubcomp.messageId).toBe(7)
  })

  it('MQTT 5: message.reject(code) refuses it with that reason code in PUBACK / PUBREC', async () => {
    await using setup = await scripted(5)
    const { connection, messages, publish } = setup
    publish(1, 1)
    publish(2, 2)
    const one = (await messages.next()).value as Message
    const two = (await messages.next()).value as Message
    one.reject(0x87)
    one.ack() // the first answer counts
    const puback = await connection.next('puback')
    expect(puback.cmd === 'puback' && [puback.messageId, puback.reasonCode]).toEqual([1, 0x87])
    two.reject()
    const pubrec = await connection.next('pubrec')
    expect(pubrec.cmd === 'pubrec' && [pubrec.messageId, pubrec.reasonCode]).toEqual([2, 0x80])
    // the exchange is over: the id is free, a new message with it is delivered
    publish(2, 2, 'again')
    const again = (await messages.next()).value as Message
    expect(again.text()).toBe('again')
  })

  it('reject() refuses a code that does not refuse, and MQTT 3.1.1, naming reasonCode', async () => {
    await using five = await scripted(5)
    five.publish(1, 1)
    const message = (await five.messages.next()).value as Message
    expect(() => message.reject(0x10)).toThrow(MqttValidationError)
    expect(() => message.reject(0x10)).toThrow(expect.objectContaining({ field: 'reasonCode' }))
    message.ack() // still answerable
    expect(await nextIds(five.connection, 'puback', 1)).toEqual([1])

    await using four = await scripted(4)
    four.publish(1, 1)
    const old = (await four.messages.next()).value as Message
    expect(() => old.reject(0x80)).toThrow(/MQTT 5/)
    old.ack()
    expect(await nextIds(four.connection, 'puback', 1)).toEqual([1])
  })

  it('acknowledges at once what no stream takes, and what a stream discards before it is read', async () => {
    await using setup = await scripted(4)
    const { client, connection, messages, publish } = setup
    messages.close()
    const other = client.messages('other/#')
    publish(1, 1) // no stream takes jobs/a
    expect(await nextIds(connection, 'puback', 1)).toEqual([1])
    const jobs = client.messages('jobs/#')
    publish(2, 1)
    publish(3, 1)
    await jobs.next() // 2 is the program's to acknowledge; 3 stays queued
    jobs.close() // discarded unread: acknowledged
    expect(await nextIds(connection, 'puback', 1)).toEqual([3])
    other.close()
  })
})

describe.skipIf(!mosquittoAvailable())(
  `ack: 'manual' on mosquitto (MQTT 5) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it.each([1, 2] as const)(
      'QoS %i: a message not acknowledged is sent again after a reconnect; an acknowledged one is not',
      async (qos) => {
        await using broker = await startMosquitto()
        const topic = uniqueTopic('manual')
        const clientId = `manual-${qos}-${Date.now()}`
        const options = { ack: 'manual', clientId, clean: false, sessionExpiryInterval: 300 } as const
        const consumer = await Client.connect(broker.url, options)
        const subscription = await consumer.subscribe(topic, { qos })
        await using producer = await Client.connect(broker.url)
        await producer.publish(topic, 'acked', { qos })
        await producer.publish(topic, 'not acked', { qos })
        const reader = subscription[Symbol.asyncIterator]()
        const acked = (await reader.next()).value as Message
        const notAcked = (await reader.next()).value as Message
        expect([acked.text(), notAcked.text()]).toEqual(['acked', 'not acked'])
        acked.ack()
        await consumer.publish(uniqueTopic('round-trip'), '', { qos: 1 }) // the PUBACK/PUBREC went before
        await consumer.close()

        await using again = await Client.connect(broker.url, options)
        const redelivered = again.messages(topic)
        const message = (await redelivered.next()).value as Message
        expect(message.text()).toBe('not acked')
        message.ack()
        await producer.publish(topic, 'next', { qos })
        expect(((await redelivered.next()).value as Message).text()).toBe('next') // 'acked' never came back
      },
      30_000,
    )

    it('the in-flight window (receiveMaximum) bounds the messages held unacknowledged', async () => {
      await using broker = await startMosquitto()
      const topic = uniqueTopic('window')
      await using consumer = await Client.connect(broker.url, {
        ack: 'manual',
        properties: { receiveMaximum: 2 },
      })
      await using subscription = await consumer.subscribe(topic, { qos: 1 })
      await using producer = await Client.connect(broker.url)
      for (const n of [1, 2, 3, 4]) await producer.publish(topic, `${n}`, { qos: 1 })
      const reader = subscription[Symbol.asyncIterator]()
      const one = (await reader.next()).value as Message
      const two = (await reader.next()).value as Message
      // a round trip of the consumer's: whatever mosquitto had sent it arrived before the PUBACK
      await consumer.publish(uniqueTopic('round-trip'), '', { qos: 1 })
      expect(subscription.queued).toBe(0) // 3 and 4 wait in the broker
      two.ack()
      expect(((await reader.next()).value as Message).text()).toBe('3')
      await consumer.publish(uniqueTopic('round-trip'), '', { qos: 1 })
      expect(subscription.queued).toBe(0) // 1 is still held: the window is full again
      one.ack()
      expect(((await reader.next()).value as Message).text()).toBe('4')
    }, 30_000)

    it('keepalive keeps working while acknowledgements are held; nothing is lost', async () => {
      await using broker = await startMosquitto()
      const topic = uniqueTopic('stalled')
      await using consumer = await Client.connect(broker.url, {
        ack: 'manual',
        keepalive: 2, // 1 s flaked on a loaded 2-core machine (as in ack-after-processing.test.ts)
        properties: { receiveMaximum: 20 },
      })
      const events = consumer.events()
      await using subscription = await consumer.subscribe(topic, { qos: 1 })
      await using producer = await Client.connect(broker.url, { maxConcurrentOutgoingCalls: 50 })
      const total = 200
      await Promise.all(
        Array.from({ length: total }, (_, i) => producer.publish(topic, `${i}`, { qos: 1, timeout: 60_000 })),
      )
      const reader = subscription[Symbol.asyncIterator]()
      const held: Message[] = []
      for (let i = 0; i < 20; i++) held.push((await reader.next()).value as Message)
      const stalledAt = Date.now()
      await consumer.publish(uniqueTopic('round-trip'), '', { qos: 1 })
      expect(subscription.queued).toBe(0) // the other 180 wait in the broker
      await sleep(Math.max(0, 5_000 - (Date.now() - stalledAt))) // ≥ 2 keepalive periods with every ack held
      expect(consumer.state).toBe('connected')
      const seen = new Set(held.map((message) => message.text()))
      for (const message of held) message.ack()
      while (seen.size < total) {
        const { value } = await reader.next()
        if (value === undefined) break
        seen.add(value.text())
        value.ack()
      }
      expect(seen.size).toBe(total)
      await consumer.close()
      const seenEvents: ConnectionEvent['type'][] = []
      for await (const event of events) seenEvents.push(event.type)
      expect(seenEvents).toEqual(['closed']) // no drop while the acknowledgements were held
    }, 60_000)
  },
)
