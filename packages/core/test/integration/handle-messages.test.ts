import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { Client, handleMessages, type Subscription } from '../../src/index.js'

async function peer(url: string): Promise<Client> {
  const client = await Client.connect(url)
  onTestFinished(() => client.close())
  return client
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {}
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

/** The text of the next message a new reader of `subscription` gets. */
async function nextText(subscription: Subscription): Promise<string> {
  for await (const message of subscription) return message.text()
  throw new Error('the subscription ended')
}

describe('handleMessages(): a stopped handler loop (aedes)', () => {
  let broker: Awaited<ReturnType<typeof startAedes>>
  beforeAll(async () => {
    broker = await startAedes({ websocket: false })
  })
  afterAll(async () => {
    await broker.close()
  })

  it('loses no message a later reader should get when stopped while waiting for one', async () => {
    const topic = uniqueTopic('handle-waiting')
    const client = await peer(broker.url)
    const publisher = await peer(broker.url)
    const subscription = await client.subscribe(topic, { qos: 1 })
    const stop = new AbortController()
    const handled: string[] = []
    // The loop's first read waits (nothing is queued yet) when stop comes.
    const loop = handleMessages(subscription, (message) => handled.push(message.text()), {
      signal: stop.signal,
    })
    stop.abort()
    await loop
    await publisher.publish(topic, 'one', { qos: 1 })
    await publisher.publish(topic, 'two', { qos: 1 })
    expect(await nextText(subscription)).toBe('one')
    expect(handled).toEqual([])
  })

  it('leaves what is queued to a later reader when stopped while handling a message', async () => {
    const topic = uniqueTopic('handle-handling')
    const client = await peer(broker.url)
    const publisher = await peer(broker.url)
    const subscription = await client.subscribe(topic, { qos: 1 })
    const stop = new AbortController()
    const handling = deferred()
    const queued = deferred()
    const handled: string[] = []
    const loop = handleMessages(
      subscription,
      async (message) => {
        handled.push(message.text())
        handling.resolve()
        await queued.promise
      },
      { signal: stop.signal },
    )
    await publisher.publish(topic, 'one', { qos: 1 })
    await handling.promise
    await publisher.publish(topic, 'two', { qos: 1 })
    await publisher.publish(topic, 'three', { qos: 1 })
    // Both are queued in the subscription once a message published after them arrived elsewhere.
    await using probe = client.messages(topic)
    await publisher.publish(topic, 'probe', { qos: 1 })
    for await (const message of probe) if (message.text() === 'probe') break
    stop.abort()
    queued.resolve()
    await loop
    expect(handled).toEqual(['one'])
    expect(await nextText(subscription)).toBe('two')
  })
})

describe('handleMessages(): errors (aedes)', () => {
  it("reports a handler's error with its message and goes on; rejects with it without onError", async () => {
    await using broker = await startAedes({ websocket: false })
    const client = await peer(broker.url)
    const topic = uniqueTopic('handle-errors')
    await using stream = client.messages(`${topic}/+n`)
    await client.subscribe(`${topic}/#`)
    for (const n of ['1', '2', '3']) await client.publish(`${topic}/${n}`, n, { qos: 1 })
    const stop = new AbortController()
    const failed: string[] = []
    const handled: string[] = []
    await handleMessages(
      stream,
      (message) => {
        if (message.params.n === '2') throw new Error('two')
        handled.push(message.params.n)
        if (handled.length === 2) stop.abort()
      },
      {
        signal: stop.signal,
        onError: (error, message) => failed.push(`${(error as Error).message}:${message.text()}`),
      },
    )
    expect({ handled, failed }).toEqual({ handled: ['1', '3'], failed: ['two:2'] })
    await client.publish(`${topic}/4`, '4', { qos: 1 })
    await expect(
      handleMessages(stream, () => {
        throw new Error('four')
      }),
    ).rejects.toThrow('four')
  })
})
