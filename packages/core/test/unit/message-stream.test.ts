import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { MqttError } from '../../src/errors.js'
import { Message } from '../../src/message.js'
import { BufferedMessageStream } from '../../src/message-stream.js'

const message = (n: number) =>
  new Message({ topic: 't', payload: new TextEncoder().encode(String(n)), qos: 0 })
const texts = async (stream: AsyncIterable<Message>) => {
  const seen: string[] = []
  for await (const item of stream) seen.push(item.text())
  return seen
}

type Limits = ConstructorParameters<typeof BufferedMessageStream>[1]

describe.each([
  { how: 'plain', packed: false },
  { how: 'packed until read, as a Subscription', packed: true },
])('BufferedMessageStream ($how)', ({ packed }) => {
  const create = (filter: string | undefined, limits: Limits, onClose?: () => void) => {
    const stream = new BufferedMessageStream(filter, limits, onClose)
    if (packed) stream.packUntilRead()
    return stream
  }

  it('buffers messages pushed before anyone reads', async () => {
    const stream = create(undefined, { maxQueued: 10, overflow: 'drop-oldest' })
    stream.push(message(1))
    stream.push(message(2))
    expect(stream.queued).toBe(2)
    stream.end()
    expect(await texts(stream)).toEqual(['1', '2'])
  })

  it('hands messages to a waiting reader', async () => {
    const stream = create('a/#', { maxQueued: 10, overflow: 'drop-oldest' })
    const next = stream.next()
    stream.push(message(7))
    expect((await next).value?.text()).toBe('7')
    expect(stream.filter).toBe('a/#')
  })

  const sized = (text: string) => new Message({ topic: 't', payload: new TextEncoder().encode(text), qos: 0 })

  it('maxQueuedBytes: drop-oldest drops as many of the oldest as the new message needs', async () => {
    const stream = create(undefined, { maxQueued: 100, maxQueuedBytes: 10, overflow: 'drop-oldest' })
    for (const text of ['aaaa', 'bbbb', 'cc']) stream.push(sized(text))
    expect(stream.dropped).toBe(0)
    stream.push(sized('dddddddd')) // 8 bytes: only 'cc' (2) may stay
    expect(stream.dropped).toBe(2)
    stream.push(sized('x'.repeat(11))) // larger than the bound alone: everything goes, itself too
    expect(stream.dropped).toBe(5)
    stream.push(sized('e'))
    stream.end()
    expect(await texts(stream)).toEqual(['e'])
  })

  it('maxQueuedBytes: drop-newest keeps what is queued; reading frees the bytes', async () => {
    const stream = create(undefined, { maxQueued: 100, maxQueuedBytes: 6, overflow: 'drop-newest' })
    for (const text of ['aaa', 'bbb', 'c']) stream.push(sized(text))
    expect(stream.dropped).toBe(1)
    expect((await stream.next()).value?.text()).toBe('aaa')
    stream.push(sized('ddd'))
    stream.end()
    expect(await texts(stream)).toEqual(['bbb', 'ddd'])
  })

  it('maxQueuedBytes: overflow error ends the stream with QUEUE_OVERFLOW naming the bound', async () => {
    const stream = create(undefined, { maxQueued: 100, maxQueuedBytes: 4, overflow: 'error' })
    stream.push(sized('abcd'))
    stream.push(sized('e'))
    expect(await stream.next()).toMatchObject({ value: expect.anything() })
    const error = await stream.next().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MqttError)
    expect((error as MqttError).code).toBe('QUEUE_OVERFLOW')
    expect((error as Error).message).toMatch(/maxQueuedBytes/)
  })

  it('drops the oldest message when full, counting it', async () => {
    const stream = create(undefined, { maxQueued: 2, overflow: 'drop-oldest' })
    for (const n of [1, 2, 3, 4]) stream.push(message(n))
    expect(stream.dropped).toBe(2)
    stream.end()
    expect(await texts(stream)).toEqual(['3', '4'])
  })

  it('drops the newest message when full, counting it', async () => {
    const stream = create(undefined, { maxQueued: 2, overflow: 'drop-newest' })
    for (const n of [1, 2, 3, 4]) stream.push(message(n))
    expect(stream.dropped).toBe(2)
    stream.end()
    expect(await texts(stream)).toEqual(['1', '2'])
  })

  it("fails with QUEUE_OVERFLOW after the buffered messages under 'error', and unregisters", async () => {
    let unregistered = 0
    const stream = create(undefined, { maxQueued: 2, overflow: 'error' }, () => unregistered++)
    for (const n of [1, 2, 3, 4]) stream.push(message(n))
    expect(unregistered).toBe(1)
    expect(stream.dropped).toBe(1)
    expect((await stream.next()).value?.text()).toBe('1')
    expect((await stream.next()).value?.text()).toBe('2')
    const error = await stream.next().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MqttError)
    expect((error as MqttError).code).toBe('QUEUE_OVERFLOW')
    expect(await stream.next()).toEqual({ done: true, value: undefined })
  })

  it('ends with an error after the buffered messages', async () => {
    const stream = create(undefined, { maxQueued: 10, overflow: 'drop-oldest' })
    stream.push(message(1))
    const lost = new Error('lost')
    stream.end(lost)
    expect((await stream.next()).value?.text()).toBe('1')
    await expect(stream.next()).rejects.toBe(lost)
    expect((await stream.next()).done).toBe(true)
  })

  it('rejects a waiting reader when ended with an error', async () => {
    const stream = create(undefined, { maxQueued: 10, overflow: 'drop-oldest' })
    const pending = stream.next()
    const lost = new Error('lost')
    stream.end(lost)
    await expect(pending).rejects.toBe(lost)
  })

  it('close() discards the buffer, finishes waiting readers and unregisters once', async () => {
    let unregistered = 0
    const stream = create(undefined, { maxQueued: 10, overflow: 'drop-oldest' }, () => unregistered++)
    const waiting = stream.next()
    stream.close()
    expect(await waiting).toEqual({ done: true, value: undefined })
    stream.push(message(1))
    expect(stream.queued).toBe(0)
    stream.close()
    await stream[Symbol.asyncDispose]()
    expect(unregistered).toBe(1)
  })

  it('breaking out of for-await closes it', async () => {
    let unregistered = 0
    const stream = create(undefined, { maxQueued: 10, overflow: 'drop-oldest' }, () => unregistered++)
    stream.push(message(1))
    stream.push(message(2))
    for await (const _ of stream) break
    expect(unregistered).toBe(1)
    expect(await stream.next()).toEqual({ done: true, value: undefined })
  })

  it('keeps order across many messages (queue compaction)', async () => {
    const stream = create(undefined, { maxQueued: 100_000, overflow: 'drop-oldest' })
    for (let n = 0; n < 5000; n++) stream.push(message(n))
    const first = await Promise.all(Array.from({ length: 3000 }, () => stream.next()))
    for (let n = 5000; n < 6000; n++) stream.push(message(n))
    stream.end()
    const rest = await texts(stream)
    const all = [...first.map((result) => result.value?.text()), ...rest]
    expect(all).toEqual(Array.from({ length: 6000 }, (_, n) => String(n)))
  })

  it('lets go of the messages it drops (a stream nobody reads stays bounded)', async () => {
    setFlagsFromString('--expose-gc')
    const collect = runInNewContext('gc') as () => void
    const stream = create(undefined, { maxQueued: 3, overflow: 'drop-oldest' })
    const first = new WeakRef(message(0))
    const push = () => {
      stream.push(first.deref() as Message)
      for (let n = 1; n < 5000; n++) stream.push(message(n))
    }
    push()
    await new Promise((resolve) => setTimeout(resolve, 0))
    collect()
    expect(first.deref()).toBeUndefined()
    expect(stream.dropped).toBe(4997)
    stream.end()
    expect(await texts(stream)).toEqual(['4997', '4998', '4999'])
  })
})

describe('BufferedMessageStream.packUntilRead', () => {
  it('unpacks on the first read; what comes after is queued as it is', async () => {
    const stream = new BufferedMessageStream(undefined, { maxQueued: 10, overflow: 'drop-oldest' })
    stream.packUntilRead()
    const kept = message(1)
    stream.push(kept)
    stream.push(message(2))
    const first = (await stream.next()).value as Message
    expect(first).not.toBe(kept)
    expect(first.text()).toBe('1')
    const later = message(3)
    stream.push(later)
    expect((await stream.next()).value?.text()).toBe('2')
    expect((await stream.next()).value).toBe(later)
  })

  it('does nothing once messages are queued', async () => {
    const stream = new BufferedMessageStream(undefined, { maxQueued: 10, overflow: 'drop-oldest' })
    const kept = message(1)
    stream.push(kept)
    stream.packUntilRead()
    stream.push(message(2))
    expect((await stream.next()).value).toBe(kept)
    expect((await stream.next()).value?.text()).toBe('2')
  })
})
