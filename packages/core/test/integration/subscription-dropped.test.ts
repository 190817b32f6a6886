import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type Message, type MessageStream } from '../../src/index.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 10))

/**
 * Collects garbage until `collected()` holds, at most 20 times. Each collection runs in a task of
 * its own: finalizers run in between, and what `WeakRef.deref()` returned is kept until its task ends.
 */
async function collectUntil(collected: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await nextTask()
    gc()
    await nextTask()
    if (collected()) return true
  }
  return false
}

async function nextText(stream: MessageStream): Promise<string | undefined> {
  return (await stream.next()).value?.text()
}

/** Publishes one message that `stream` reads; returns a weak reference to the received message. */
async function receivedOnce(client: Client, stream: MessageStream, topic: string): Promise<WeakRef<Message>> {
  await client.publish(topic, 'once', { qos: 1 })
  const message = (await stream.next()).value as Message
  return new WeakRef(message)
}

describe('a subscription the program dropped (aedes)', () => {
  it('stops buffering what nobody can read; its filter stays subscribed', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('dropped')
    await using messages = client.messages()
    await client.subscribe(topic, { qos: 1 }) // the quick start's shape: the Subscription is not kept
    const received = await receivedOnce(client, messages, topic)
    expect(await collectUntil(() => received.deref() === undefined)).toBe(true)
    await client.publish(topic, 'still subscribed', { qos: 1 })
    expect(await nextText(messages)).toBe('still subscribed')
  })

  it('a kept subscription buffers every message until it is read', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('kept')
    await using messages = client.messages()
    const subscription = await client.subscribe(topic, { qos: 1 })
    const received = await receivedOnce(client, messages, topic)
    expect(await collectUntil(() => received.deref() === undefined)).toBe(false)
    expect(subscription.queued).toBe(1)
  })

  it('a loop reading a subscription it holds no other reference to goes on across collections', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('loop')
    const texts: string[] = []
    const loop = (async () => {
      for await (const message of await client.subscribe(topic, { qos: 1 })) {
        texts.push(message.text())
        if (texts.length === 2) break
      }
    })()
    await client.publish(topic, 'before', { qos: 1 })
    await collectUntil(() => false)
    await client.publish(topic, 'after', { qos: 1 })
    await loop
    expect(texts).toEqual(['before', 'after'])
  })
})
