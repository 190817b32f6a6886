import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, type MessageStream, MqttCodeError, SharedSubscriptions } from '../../src/index.js'

/** The texts of the next `count` messages of `stream`. */
async function take(stream: MessageStream, count: number): Promise<string[]> {
  const texts: string[] = []
  while (texts.length < count) {
    const { value, done } = await stream.next()
    if (done) throw new Error('the stream ended')
    texts.push(value.text())
  }
  return texts
}

describe('SharedSubscriptions (aedes)', () => {
  let broker: Awaited<ReturnType<typeof startAedes>>
  const subscribes: string[] = []
  const unsubscribes: string[] = []
  beforeAll(async () => {
    broker = await startAedes({
      websocket: false,
      // A null subscription makes aedes answer SUBACK 0x80 (failure).
      authorizeSubscribe: (_client, subscription, callback) =>
        callback(null, subscription.topic.startsWith('forbidden/') ? null : subscription),
    })
    broker.broker.on('subscribe', (subscriptions) => {
      for (const { topic } of subscriptions) subscribes.push(topic)
    })
    broker.broker.on('unsubscribe', (filters) => unsubscribes.push(...filters))
  })
  afterAll(() => broker.close())

  /** Resolves on the broker's next UNSUBSCRIBE of `filter`. */
  function unsubscribed(filter: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (filters: string[]) => {
        if (!filters.includes(filter)) return
        broker.broker.off('unsubscribe', listener)
        resolve()
      }
      broker.broker.on('unsubscribe', listener)
    })
  }

  it('subscribes once for many readers, gives each every message, and unsubscribes after the last', async () => {
    const topic = uniqueTopic('shared')
    await using client = await Client.connect(broker.url)
    await using publisher = await Client.connect(broker.url)
    const shared = new SharedSubscriptions(client)
    const readers = await Promise.all([1, 2, 3].map(() => shared.open(topic, { qos: 1 })))
    expect(subscribes.filter((filter) => filter === topic)).toHaveLength(1)
    expect(shared.size).toBe(1)
    await publisher.publish(topic, 'a', { qos: 1 })
    await publisher.publish(topic, 'b', { qos: 1 })
    for (const reader of readers) expect(await take(reader, 2)).toEqual(['a', 'b'])
    readers[0]?.close()
    readers[1]?.close()
    await publisher.publish(topic, 'c', { qos: 1 })
    expect(await take(readers[2] as MessageStream, 1)).toEqual(['c'])
    expect(unsubscribes).not.toContain(topic)
    const gone = unsubscribed(topic)
    await readers[2]?.[Symbol.asyncDispose]()
    await gone
    expect(shared.size).toBe(0)
  })

  it('bounds each reader by its own queue: a slow one drops its messages, the others get them all', async () => {
    const topic = uniqueTopic('shared-bounded')
    await using client = await Client.connect(broker.url)
    await using publisher = await Client.connect(broker.url)
    const shared = new SharedSubscriptions(client)
    await using slow = await shared.open(topic, { qos: 1, maxQueued: 1, overflow: 'drop-newest' })
    await using fast = await shared.open(topic, { qos: 1 })
    for (const text of ['1', '2', '3']) await publisher.publish(topic, text, { qos: 1 })
    expect(await take(fast, 3)).toEqual(['1', '2', '3'])
    expect(slow.dropped).toBe(2)
    expect(await take(slow, 1)).toEqual(['1'])
  })

  it('keeps the subscription for a reader that comes as the last one leaves, subscribes again after', async () => {
    const topic = uniqueTopic('shared-again')
    await using client = await Client.connect(broker.url)
    await using publisher = await Client.connect(broker.url)
    const shared = new SharedSubscriptions(client)
    const count = () => subscribes.filter((filter) => filter === topic).length
    const first = await shared.open(topic)
    first.close()
    // Opened before the release's step ran: the filter is held again, so nothing is sent.
    const second = await shared.open(topic)
    expect(count()).toBe(1)
    expect(unsubscribes).not.toContain(topic)
    await second[Symbol.asyncDispose]()
    expect(unsubscribes).toContain(topic)
    await using third = await shared.open(topic)
    expect(count()).toBe(2)
    await publisher.publish(topic, 'back', { qos: 1 })
    expect(await take(third, 1)).toEqual(['back'])
  })

  it('keeps a filter the program subscribed by itself when the last reader leaves', async () => {
    const topic = uniqueTopic('shared-own')
    await using client = await Client.connect(broker.url)
    await using publisher = await Client.connect(broker.url)
    await using own = await client.subscribe(topic, { qos: 1 })
    const shared = new SharedSubscriptions(client)
    const reader = await shared.open(topic, { qos: 1 })
    await reader[Symbol.asyncDispose]()
    await publisher.publish(topic, 'still', { qos: 1 })
    for await (const message of own) {
      expect(message.text()).toBe('still')
      break
    }
    expect(unsubscribes).not.toContain(topic)
  })

  it('rejects a refused filter, holding nothing, and serves the next reader of it afresh', async () => {
    await using client = await Client.connect(broker.url)
    const shared = new SharedSubscriptions(client)
    const filter = `forbidden/${uniqueTopic('shared')}`
    const attempts = await Promise.allSettled([shared.open(filter), shared.open(filter)])
    for (const attempt of attempts) {
      expect(attempt.status).toBe('rejected')
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(MqttCodeError)
    }
    expect(shared.size).toBe(0)
    await expect(shared.open(filter)).rejects.toBeInstanceOf(MqttCodeError)
    expect(shared.size).toBe(0)
  })
})
