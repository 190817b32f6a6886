import { describe, expect, it } from 'vitest'
import { Message } from '../../src/incoming/message.js'
import { BufferedMessageStream } from '../../src/incoming/message-stream.js'

const limits = { maxQueued: 10, overflow: 'drop-oldest' } as const
const message = (text: string) => new Message({ topic: 't', payload: new TextEncoder().encode(text), qos: 0 })
const finished = { done: true, value: undefined }

describe('ending a stream while a read is pending', () => {
  it.each([
    ['return()', (stream: BufferedMessageStream) => stream.return()],
    ['close()', (stream: BufferedMessageStream) => stream.close()],
    ['[Symbol.asyncDispose]()', (stream: BufferedMessageStream) => stream[Symbol.asyncDispose]()],
  ])('%s finishes the pending next() with done, and unregisters once', async (_, end) => {
    let unregistered = 0
    const stream = new BufferedMessageStream(undefined, limits, () => unregistered++)
    const pending = stream.next()
    await end(stream)
    expect(await pending).toEqual(finished)
    expect(unregistered).toBe(1)
    stream.push(message('late'))
    expect(await stream.next()).toEqual(finished)
  })

  it('a for-await loop blocked on the stream ends when another task returns it', async () => {
    const stream = new BufferedMessageStream(undefined, limits)
    const seen: string[] = []
    const loop = (async () => {
      for await (const item of stream) seen.push(item.text())
      return 'ended'
    })()
    stream.push(message('one'))
    await new Promise((resolve) => setTimeout(resolve, 0))
    await stream.return()
    expect(await loop).toBe('ended')
    expect(seen).toEqual(['one'])
  })

  it("release(reader) finishes that reader's pending reads only; the stream stays open", async () => {
    const stream = new BufferedMessageStream(undefined, limits)
    const [mine, theirs] = [{}, {}]
    const pendingMine = stream.next(mine)
    const pendingTheirs = stream.next(theirs)
    stream.release(mine)
    stream.release(mine)
    expect(await pendingMine).toEqual(finished)
    stream.push(message('for them'))
    expect((await pendingTheirs).value?.text()).toBe('for them')
    expect(stream.open).toBe(true)
  })
})
