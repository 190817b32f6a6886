import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type Subscription } from '../../src/index.js'

const finished = { done: true, value: undefined }

async function first(subscription: Subscription): Promise<string | undefined> {
  for await (const message of subscription) return message.text()
  return undefined
}

describe('ending the iteration of a subscription while a read is pending (aedes)', () => {
  it("the iterator's return() finishes the pending next() with done; the subscription goes on", async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('return')
    await using subscription = await client.subscribe(topic, { qos: 1 })
    const iterator = subscription[Symbol.asyncIterator]()
    const pending = iterator.next()
    expect(await iterator.return?.()).toEqual(finished)
    await client.publish(topic, 'still subscribed', { qos: 1 })
    expect(await pending).toEqual(finished)
    expect(await iterator.next()).toEqual(finished)
    expect(await first(subscription)).toBe('still subscribed')
  })

  it('a for-await loop blocked on a subscription ends when the subscription is disposed', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('dispose-pending')
    const subscription = await client.subscribe(topic, { qos: 1 })
    const loop = first(subscription)
    await new Promise((resolve) => setTimeout(resolve, 0))
    await subscription[Symbol.asyncDispose]()
    expect(await loop).toBeUndefined()
    await using rest = client.messages()
    await client.publish(topic, 'after', { qos: 1 })
    const marker = uniqueTopic('marker')
    await client.subscribe(marker, { qos: 1 })
    await client.publish(marker, 'marker', { qos: 1 })
    expect((await rest.next()).value?.text()).toBe('marker') // unsubscribed: 'after' never came
  })

  it('unsubscribe() finishes a pending read; break leaves it subscribed', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('unsubscribe-pending')
    const subscription = await client.subscribe(topic, { qos: 1 })
    await client.publish(topic, 'one', { qos: 1 })
    expect(await first(subscription)).toBe('one') // break
    await client.publish(topic, 'two', { qos: 1 })
    expect(await first(subscription)).toBe('two')
    const pending = subscription[Symbol.asyncIterator]().next()
    await subscription.unsubscribe()
    expect(await pending).toEqual(finished)
  })
})
