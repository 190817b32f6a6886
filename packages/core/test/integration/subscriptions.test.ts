import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type Message } from '../../src/index.js'

async function take(stream: AsyncIterable<Message>, count: number): Promise<string[]> {
  const taken: string[] = []
  for await (const message of stream) {
    taken.push(message.text())
    if (taken.length === count) break
  }
  return taken
}

/** Publishes a marker and waits for it, so everything published before has arrived. */
async function sync(client: Client): Promise<void> {
  const topic = uniqueTopic('sync')
  await using marker = await client.subscribe(topic, { qos: 1 })
  await client.publish(topic, 'sync', { qos: 1 })
  await take(marker, 1)
}

describe('subscriptions and streams', () => {
  it('overlapping subscriptions: every matching stream gets each received message exactly once', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const base = uniqueTopic('overlap')
    await using wide = client.messages(`${base}/#`)
    await using narrow = client.messages(`${base}/+`)
    await using both = await client.subscribe([`${base}/#`, `${base}/a`], { qos: 1 })
    await client.publish(`${base}/a`, 'one', { qos: 1 })
    await client.publish(`${base}/z`, 'end', { qos: 1 })
    const fromBoth = await (async () => {
      const texts: string[] = []
      for await (const message of both) {
        texts.push(message.text())
        if (message.text() === 'end') return texts
      }
      return texts
    })()
    // the broker may send one PUBLISH per matching subscription; `wide` sees each received one once
    const received = wide.queued - 1
    expect(received).toBeGreaterThanOrEqual(1)
    expect(narrow.queued).toBe(received + 1)
    expect(fromBoth.filter((text) => text === 'one')).toHaveLength(received)
  })

  it("a subscription iterates its own messages only; breaking the loop doesn't unsubscribe", async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const base = uniqueTopic('own')
    await using a = await client.subscribe(`${base}/a`, { qos: 1 })
    await using b = await client.subscribe(`${base}/b`, { qos: 1 })
    for (const n of [1, 2]) {
      await client.publish(`${base}/a`, `a${n}`, { qos: 1 })
      await client.publish(`${base}/b`, `b${n}`, { qos: 1 })
    }
    expect(await take(a, 1)).toEqual(['a1'])
    expect(await take(a, 1)).toEqual(['a2'])
    expect(await take(b, 2)).toEqual(['b1', 'b2'])
  })

  it('disposing a subscription unsubscribes and ends its iteration', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('dispose')
    await using rest = client.messages()
    {
      await using subscription = await client.subscribe(topic, { qos: 1 })
      expect(subscription.filters).toEqual([topic])
    }
    await client.publish(topic, 'nobody listens', { qos: 1 })
    const other = uniqueTopic('other')
    await client.subscribe(other, { qos: 1 })
    await client.publish(other, 'marker', { qos: 1 })
    expect(await take(rest, 1)).toEqual(['marker'])
  })

  it('unsubscribe from one of two subscriptions to the same filter keeps the other receiving', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('refcount')
    const first = await client.subscribe(topic, { qos: 1 })
    await using second = await client.subscribe(topic, { qos: 1 })
    await first.unsubscribe()
    await first.unsubscribe()
    expect(await take(first, 1)).toEqual([])
    await client.publish(topic, 'still here', { qos: 1 })
    expect(await take(second, 1)).toEqual(['still here'])
  })

  it('client.unsubscribe ends the subscriptions that only held those filters', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const base = uniqueTopic('client-unsub')
    const only = await client.subscribe(`${base}/a`)
    await using mixed = await client.subscribe([`${base}/a`, `${base}/b`])
    await client.unsubscribe(`${base}/a`)
    expect(await take(only, 1)).toEqual([])
    await client.publish(`${base}/a`, 'gone')
    await client.publish(`${base}/b`, 'kept')
    expect(await take(mixed, 1)).toEqual(['kept'])
  })

  it('messages() streams close independently and with the client', async () => {
    await using broker = await startAedes()
    const client = await Client.connect(broker.url)
    const topic = uniqueTopic('independent')
    const closedEarly = client.messages(topic)
    const open = client.messages(topic)
    await client.subscribe(topic)
    closedEarly.close()
    await client.publish(topic, 'x', { qos: 1 })
    expect(await take(open, 1)).toEqual(['x'])
    expect(await closedEarly.next()).toEqual({ done: true, value: undefined })
    const pending = open.next()
    await client.close()
    expect(await pending).toEqual({ done: true, value: undefined })
  })

  it('a full stream applies its overflow policy and counts drops', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('overflow')
    await using newest = client.messages(topic, { maxQueued: 2, overflow: 'drop-newest' })
    await using oldest = client.messages(topic, { maxQueued: 2 })
    await client.subscribe(topic, { qos: 1 })
    for (const n of [1, 2, 3, 4, 5]) await client.publish(topic, String(n), { qos: 1 })
    await sync(client)
    expect(newest.dropped).toBe(3)
    expect(oldest.dropped).toBe(3)
    expect(await take(newest, 2)).toEqual(['1', '2'])
    expect(await take(oldest, 2)).toEqual(['4', '5'])
  })

  it('maxQueuedBytes bounds a stream and a subscription by payload bytes (the client default applies to both)', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url, { maxQueuedBytes: 2_500 })
    const topic = uniqueTopic('bytes')
    await using stream = client.messages(topic)
    await using subscription = await client.subscribe(topic, { qos: 1, maxQueuedBytes: 1_500 })
    for (const n of [1, 2, 3, 4, 5]) await client.publish(topic, String(n).repeat(1_000), { qos: 1 })
    await sync(client)
    expect(stream.dropped).toBe(3)
    expect(stream.queued).toBe(2)
    expect(subscription.dropped).toBe(4)
    expect((await take(stream, 2)).map((text) => text[0])).toEqual(['4', '5'])
    const [last] = await take(subscription, 1)
    expect(last?.[0]).toBe('5')
    expect(() => client.messages(topic, { maxQueuedBytes: 0 })).toThrow(
      expect.objectContaining({ name: 'MqttValidationError', field: 'maxQueuedBytes' }),
    )
  })

  it('withClient closes the client when the callback throws', async () => {
    await using broker = await startAedes()
    const { withClient } = await import('../../src/index.js')
    let captured: Client | undefined
    await expect(
      withClient(broker.url, async (client) => {
        captured = client
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(captured?.closed).toBe(true)
    expect(captured?.connected).toBe(false)
  })
})
