import type { Subscription } from '@await-mqtt/core'
import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stopSignal, until } from '../../src/task.js'
import { deferred, peer } from './helpers.js'

/** The text of the next message a new reader of `subscription` gets. */
async function nextText(subscription: Subscription): Promise<string> {
  for await (const message of subscription) return message.text()
  throw new Error('the subscription ended')
}

describe('until(): a stopped handler loop (aedes)', () => {
  let broker: Awaited<ReturnType<typeof startAedes>>
  beforeAll(async () => {
    broker = await startAedes({ websocket: false })
  })
  afterAll(async () => {
    await broker.close()
  })

  it('loses no message a later reader should get when stopped while waiting for one', async () => {
    const topic = uniqueTopic('fastify-until-waiting')
    const client = await peer(broker.url)
    const publisher = await peer(broker.url)
    const subscription = await client.subscribe(topic, { qos: 1 })
    const stop = stopSignal()
    const handled: string[] = []
    // The loop's first read waits (nothing is queued yet) when stop comes.
    const loop = (async () => {
      for await (const message of until(subscription, stop.promise)) handled.push(message.text())
    })()
    stop.resolve()
    await loop
    await publisher.publish(topic, 'one', { qos: 1 })
    await publisher.publish(topic, 'two', { qos: 1 })
    expect(await nextText(subscription)).toBe('one')
    expect(handled).toEqual([])
  })

  it('leaves what is queued to a later reader when stopped while handling a message', async () => {
    const topic = uniqueTopic('fastify-until-handling')
    const client = await peer(broker.url)
    const publisher = await peer(broker.url)
    const subscription = await client.subscribe(topic, { qos: 1 })
    const stop = stopSignal()
    const handling = deferred()
    const queued = deferred()
    const handled: string[] = []
    const loop = (async () => {
      for await (const message of until(subscription, stop.promise)) {
        handled.push(message.text())
        handling.resolve()
        await queued.promise
      }
    })()
    await publisher.publish(topic, 'one', { qos: 1 })
    await handling.promise
    await publisher.publish(topic, 'two', { qos: 1 })
    await publisher.publish(topic, 'three', { qos: 1 })
    // Both are queued in the subscription once a message published after them arrived elsewhere.
    await using probe = client.messages(topic)
    await publisher.publish(topic, 'probe', { qos: 1 })
    for await (const message of probe) if (message.text() === 'probe') break
    stop.resolve()
    queued.resolve()
    await loop
    expect(handled).toEqual(['one'])
    expect(await nextText(subscription)).toBe('two')
  })
})
