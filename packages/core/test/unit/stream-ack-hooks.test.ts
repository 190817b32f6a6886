import { describe, expect, it } from 'vitest'
import type { AckHooks } from '../../src/incoming/ack-tracker.js'
import { Message } from '../../src/incoming/message.js'
import { BufferedMessageStream } from '../../src/incoming/message-stream.js'
import type { OverflowPolicy } from '../../src/options/client-options.js'

function message(n: number): Message {
  return new Message({ topic: 't', payload: new TextEncoder().encode(String(n)), qos: 1, messageId: n })
}

/** Records which messages a stream holds. */
function recorder() {
  const held = new Set<string>()
  const released: string[] = []
  const hooks: AckHooks = {
    manual: false,
    handOver: () => {},
    hold: (m) => held.add(m.text()),
    // as the AckTracker does: a release by a stream that did not hold the message is ignored
    release: (m) => {
      if (held.delete(m.text())) released.push(m.text())
    },
  }
  return { hooks, held, released }
}

function stream(hooks: AckHooks, maxQueued = 10, overflow: OverflowPolicy = 'drop-oldest') {
  return new BufferedMessageStream(undefined, { maxQueued, overflow }, undefined, hooks)
}

describe('message streams with ack hooks (ack: after-processing)', () => {
  it('holds a message until the reader asks for the next one', async () => {
    const { hooks, held, released } = recorder()
    const s = stream(hooks)
    s.push(message(1))
    s.push(message(2))
    expect([...held]).toEqual(['1', '2'])
    await s.next() // reading 1
    expect(released).toEqual([])
    await s.next() // done with 1, reading 2
    expect(released).toEqual(['1'])
    const waiting = s.next() // done with 2
    expect(released).toEqual(['1', '2'])
    s.push(message(3)) // straight to the waiting reader: held while it processes
    expect((await waiting).value?.text()).toBe('3')
    expect([...held]).toEqual(['3'])
  })

  it('releases what it drops (drop-oldest, drop-newest) and never holds what error overflow refuses', async () => {
    for (const [overflow, expected] of [
      ['drop-oldest', ['1']],
      ['drop-newest', []],
      ['error', []],
    ] as const) {
      const { hooks, held, released } = recorder()
      const s = stream(hooks, 2, overflow)
      for (const n of [1, 2, 3]) s.push(message(n))
      expect(released).toEqual(expected)
      expect(held.size).toBe(2)
    }
  })

  it('close() and breaking out of the loop release everything it holds', async () => {
    const { hooks, held } = recorder()
    const s = stream(hooks)
    for (const n of [1, 2, 3]) s.push(message(n))
    for await (const _ of s) break
    expect(held.size).toBe(0)
    const other = stream(hooks)
    other.push(message(4))
    await other.next()
    other.close()
    expect(held.size).toBe(0)
  })

  it('the end of the stream releases the last message when the reader asks for more', async () => {
    const { hooks, held } = recorder()
    const s = stream(hooks)
    s.push(message(1))
    s.end()
    expect((await s.next()).value?.text()).toBe('1')
    expect([...held]).toEqual(['1'])
    expect((await s.next()).done).toBe(true)
    expect(held.size).toBe(0)
  })
})

describe('holdAcknowledgements (a Subscription once it is iterated)', () => {
  it('holds only what arrives afterwards, and never releases what it did not hold', async () => {
    const { hooks, held, released } = recorder()
    const s = new BufferedMessageStream(undefined, { maxQueued: 10, overflow: 'drop-oldest' })
    s.push(message(1))
    s.holdAcknowledgements(hooks)
    s.push(message(2))
    expect([...held]).toEqual(['2'])
    expect((await s.next()).value?.text()).toBe('1') // never held
    expect((await s.next()).value?.text()).toBe('2') // done with 1: nothing to release
    expect(released).toEqual([])
    s.close()
    expect(released).toEqual(['2'])
  })
})
