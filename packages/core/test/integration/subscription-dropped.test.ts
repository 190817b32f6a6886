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

/**
 * Publishes two messages on `{base}/first` and `{base}/second` that `stream` reads; returns a weak
 * reference to the first one's Topic. The client makes one Topic per run of messages on one topic
 * and keeps the last; after the second message, only a queue that kept the first holds its Topic.
 */
async function firstTopicOfTwo(
  client: Client,
  stream: MessageStream,
  base: string,
): Promise<WeakRef<object>> {
  await client.publish(`${base}/first`, 'first', { qos: 1 })
  const first = (await stream.next()).value as Message
  await client.publish(`${base}/second`, 'second', { qos: 1 })
  expect(await nextText(stream)).toBe('second')
  return new WeakRef(first.topic)
}

describe('a subscription the program dropped (aedes)', () => {
  it('stops buffering what nobody can read; its filter stays subscribed', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const base = uniqueTopic('dropped')
    await using messages = client.messages()
    await client.subscribe(`${base}/#`, { qos: 1 }) // the quick start's shape: the Subscription is not kept
    const kept = await firstTopicOfTwo(client, messages, base)
    expect(await collectUntil(() => kept.deref() === undefined)).toBe(true)
    await client.publish(`${base}/third`, 'still subscribed', { qos: 1 })
    expect(await nextText(messages)).toBe('still subscribed')
  })

  it('a kept subscription buffers every message until it is read', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const base = uniqueTopic('kept')
    await using messages = client.messages()
    const subscription = await client.subscribe(`${base}/#`, { qos: 1 })
    const kept = await firstTopicOfTwo(client, messages, base)
    expect(await collectUntil(() => kept.deref() === undefined)).toBe(false)
    expect(subscription.queued).toBe(2)
    const read = []
    for await (const message of subscription) {
      read.push(`${message.topic.value.slice(base.length)} ${message.text()} qos ${message.qos}`)
      if (read.length === 2) break
    }
    expect(read).toEqual(['/first first qos 1', '/second second qos 1'])
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
