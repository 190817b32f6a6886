import { describe, expect, it } from 'vitest'
import { EarlyMessages } from '../../src/incoming/early-messages.js'
import { Message } from '../../src/incoming/message.js'
import type { OverflowPolicy } from '../../src/options/client-options.js'

const message = (n: number) => new Message({ topic: `t/${n}`, payload: new Uint8Array(), qos: 0 })
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

function early(maxQueued: number, overflow: OverflowPolicy) {
  const delivered: string[] = []
  const holds = new Map<string, number>()
  const count = (m: Message, by: number) => holds.set(m.topic.value, (holds.get(m.topic.value) ?? 0) + by)
  const messages = new EarlyMessages(
    { maxQueued, overflow },
    { routeEarly: (m) => delivered.push(m.topic.value), earlyOver: () => {} },
    {
      hold: (m) => count(m, 1),
      release: (m) => count(m, -1),
    },
  )
  const held = () => [...holds].filter(([, n]) => n !== 0).map(([topic]) => topic)
  return { messages, delivered, held }
}

describe('EarlyMessages', () => {
  it('holds messages until the first stream is created, then hands them over in a microtask, once', async () => {
    const { messages, delivered, held } = early(10, 'drop-oldest')
    expect(messages.hold(message(1))).toBe(true)
    expect(messages.hold(message(2))).toBe(true)
    expect(held()).toEqual(['t/1', 't/2'])
    messages.created()
    expect(messages.hold(message(3))).toBe(true) // arrived before the hand-over: keeps its place
    messages.created()
    expect(delivered).toEqual([])
    await Promise.resolve()
    expect(delivered).toEqual(['t/1', 't/2', 't/3'])
    expect(held()).toEqual([])
    expect(messages.hold(message(4))).toBe(false)
    messages.created()
    await tick()
    expect(delivered).toEqual(['t/1', 't/2', 't/3'])
  })

  it.each([
    ['drop-oldest', ['t/3', 't/4'], 2],
    ['drop-newest', ['t/1', 't/2'], 2],
    ['error', ['t/1', 't/2', 't/3'], 1],
  ] as const)('is bounded by the queue options (%s)', async (overflow, kept, dropped) => {
    const { messages, delivered, held } = early(2, overflow)
    for (const n of [1, 2, 3, 4]) messages.hold(message(n))
    expect(messages.held).toBe(kept.length)
    expect(messages.dropped).toBe(dropped)
    expect(held()).toEqual(kept)
    messages.created()
    await tick()
    expect(delivered).toEqual(kept)
  })

  it('keeps order past many dropped messages', async () => {
    const { messages, delivered } = early(100, 'drop-oldest')
    for (let n = 0; n < 5000; n++) messages.hold(message(n))
    messages.created()
    await tick()
    expect(delivered).toEqual(Array.from({ length: 100 }, (_, n) => `t/${4900 + n}`))
  })

  it('discard() forgets (and releases) what is held, even with a hand-over scheduled', async () => {
    const { messages, delivered, held } = early(10, 'drop-oldest')
    messages.hold(message(1))
    messages.created()
    messages.discard()
    await tick()
    expect(delivered).toEqual([])
    expect(held()).toEqual([])
    expect(messages.hold(message(2))).toBe(false)
  })
})
