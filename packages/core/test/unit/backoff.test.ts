import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../src/reconnect/backoff.js'

const options = { minDelay: 100, maxDelay: 30_000, factor: 2, jitter: 0 }

describe('backoffDelay', () => {
  it('grows exponentially from minDelay and stops at maxDelay', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options))).toEqual([
      100, 200, 400, 800, 1600,
    ])
    expect(backoffDelay(20, options)).toBe(30_000)
    expect(backoffDelay(5_000, options)).toBe(30_000) // factor ** 4999 is Infinity: still capped
  })

  it('spreads by ±jitter of the delay, within [0, maxDelay]', () => {
    const jittery = { ...options, jitter: 0.5 }
    expect(backoffDelay(3, jittery, () => 0)).toBe(200)
    expect(backoffDelay(3, jittery, () => 1)).toBe(600)
    expect(backoffDelay(3, jittery, () => 0.5)).toBe(400)
    expect(backoffDelay(30, { ...jittery, jitter: 1 }, () => 1)).toBe(30_000)
    for (let attempt = 1; attempt < 40; attempt++) {
      const delay = backoffDelay(attempt, { ...options, jitter: 1 })
      expect(delay).toBeGreaterThanOrEqual(0)
      expect(delay).toBeLessThanOrEqual(30_000)
    }
  })

  it('factor 1 keeps the delay constant; minDelay 0 retries at once', () => {
    expect(backoffDelay(9, { ...options, factor: 1 })).toBe(100)
    expect(backoffDelay(9, { ...options, minDelay: 0 })).toBe(0)
  })

  it('a minDelay above maxDelay wins', () => {
    expect(backoffDelay(1, { ...options, minDelay: 60_000 })).toBe(60_000)
  })
})
