import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Client, type Message, MqttTimeoutError } from '../../src/index.js'

/** A loop over `iterable`; `first` resolves once it got a message (it then waits for the next one). */
function loop(iterable: AsyncIterable<Message>) {
  let gotOne: () => void = () => {}
  const first = new Promise<void>((resolve) => {
    gotOne = resolve
  })
  const done = (async () => {
    const seen: string[] = []
    for await (const message of iterable) {
      seen.push(message.text())
      gotOne()
    }
    return seen
  })()
  return { first, done }
}

describe('cancellable reads (aedes)', () => {
  it('messages(filter, { signal }): aborting ends a loop that waits for the next message', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('signal')
    const controller = new AbortController()
    const messages = client.messages(topic, { signal: controller.signal })
    await client.subscribe(topic)
    const reading = loop(messages)
    await client.publish(topic, 'one', { qos: 1 })
    await reading.first
    controller.abort() // the loop waits for the next message: it ends
    expect(await reading.done).toEqual(['one'])
    expect(client.messages(topic, { signal: controller.signal }).queued).toBe(0) // already aborted: closed
  })

  it('subscribe(filter, { signal }): aborting ends the loop and unsubscribes', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('subscribe-signal')
    const controller = new AbortController()
    const subscription = await client.subscribe(topic, { qos: 1, signal: controller.signal })
    const reading = loop(subscription)
    const unsubscribed = new Promise<void>((resolve) =>
      broker.broker.on('unsubscribe', (filters: string[]) => {
        if (filters.includes(topic)) resolve()
      }),
    )
    await client.publish(topic, 'before', { qos: 1 })
    await reading.first
    controller.abort()
    expect(await reading.done).toEqual(['before'])
    await unsubscribed
  })

  it('subscription.read({ timeout }) rejects with MqttTimeoutError; the message that comes later is kept', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('read')
    await using subscription = await client.subscribe(topic, { qos: 1 })
    await expect(subscription.read({ timeout: 50 })).rejects.toBeInstanceOf(MqttTimeoutError)
    await client.publish(topic, 'late', { qos: 1 })
    expect((await subscription.read({ timeout: 5_000 }))?.text()).toBe('late')
  })

  it('read() of a stream with a schema gives the validated payload, and times out the same way', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('read-schema')
    await using readings = client.messages(topic, { schema: z.object({ celsius: z.number() }) })
    await client.subscribe(topic, { qos: 1 })
    await expect(readings.read({ timeout: 50 })).rejects.toBeInstanceOf(MqttTimeoutError)
    await client.publish(topic, JSON.stringify({ celsius: 21 }), { qos: 1 })
    const reading = await readings.read({ timeout: 5_000 })
    expect(reading?.data).toEqual({ celsius: 21 })
    expect(reading?.message.topic.value).toBe(topic)
  })
})
