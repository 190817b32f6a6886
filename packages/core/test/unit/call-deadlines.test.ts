import { afterEach, describe, expect, it, vi } from 'vitest'
import { CallDeadlines, type Deadline } from '../../src/session/call-deadlines.js'

afterEach(() => {
  vi.useRealTimers()
})

function deadlineIn(ms: number, expired: string[], name: string): Deadline {
  return { at: Date.now() + ms, expire: () => expired.push(name) }
}

describe('CallDeadlines', () => {
  it('expires each deadline when due, with one timer for all of them', () => {
    vi.useFakeTimers()
    const deadlines = new CallDeadlines()
    const expired: string[] = []
    deadlines.watch(deadlineIn(50, expired, 'a'))
    deadlines.watch(deadlineIn(80, expired, 'b'))
    deadlines.watch(deadlineIn(20, expired, 'c'))
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(19)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(expired).toEqual(['c'])
    vi.advanceTimersByTime(30)
    expect(expired).toEqual(['c', 'a'])
    vi.advanceTimersByTime(30)
    expect(expired).toEqual(['c', 'a', 'b'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('never expires what was unwatched, and keeps its timer rather than re-arming per deadline', () => {
    vi.useFakeTimers()
    const deadlines = new CallDeadlines()
    const expired: string[] = []
    for (let index = 0; index < 100; index++) {
      const deadline = deadlineIn(1_000, expired, `d${index}`)
      deadlines.watch(deadline)
      deadlines.unwatch(deadline)
    }
    expect(vi.getTimerCount()).toBe(1)
    const last = deadlineIn(1_000, expired, 'last')
    deadlines.watch(last)
    vi.advanceTimersByTime(1_000)
    expect(expired).toEqual(['last'])
  })

  it('never expires a deadline at Infinity, and clear() forgets everything', () => {
    vi.useFakeTimers()
    const deadlines = new CallDeadlines()
    const expired: string[] = []
    deadlines.watch({ at: Number.POSITIVE_INFINITY, expire: () => expired.push('never') })
    expect(vi.getTimerCount()).toBe(0)
    deadlines.watch(deadlineIn(10, expired, 'cleared'))
    deadlines.clear()
    vi.advanceTimersByTime(100)
    expect(expired).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('keeps Node running only while a deadline is watched', () => {
    const deadlines = new CallDeadlines()
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length
    const before = timers()
    const deadline = deadlineIn(60_000, [], 'x')
    deadlines.watch(deadline)
    expect(timers()).toBe(before + 1)
    deadlines.unwatch(deadline)
    expect(timers()).toBe(before)
    deadlines.watch(deadlineIn(60_000, [], 'y'))
    expect(timers()).toBe(before + 1)
    deadlines.clear()
    expect(timers()).toBe(before)
  })
})
