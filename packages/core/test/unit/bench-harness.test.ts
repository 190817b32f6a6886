import { describe, expect, it } from 'vitest'
import { readConfig } from '../../bench/config.js'
import { roundsOf, runOrder } from '../../bench/measure.js'
import { busyShare, parseProcStat, waitForQuiet } from '../../bench/quiet.js'
import { pairedMean, pairedRatio } from '../../bench/stats.js'

describe('the benchmark round order', () => {
  it('runs every contender once per round', () => {
    for (let round = 0; round < 6; round++) {
      expect([...runOrder(5, round)].sort()).toEqual([0, 1, 2, 3, 4])
    }
  })

  it('gives each contender more than one predecessor over the rounds', () => {
    const predecessors = new Map<number, Set<number>>()
    for (let round = 0; round < 5; round++) {
      const order = runOrder(6, round)
      order.forEach((contender, position) => {
        if (position === 0) return
        const before = order[position - 1] as number
        predecessors.set(contender, (predecessors.get(contender) ?? new Set()).add(before))
      })
    }
    for (let contender = 0; contender < 6; contender++) {
      expect(predecessors.get(contender)?.size, `contender ${contender}`).toBeGreaterThan(1)
    }
  })

  it('does not always start with the same contender', () => {
    const firsts = new Set(Array.from({ length: 5 }, (_, round) => runOrder(5, round)[0]))
    expect(firsts.size).toBeGreaterThan(2)
  })
})

describe('waiting for a quiet machine', () => {
  it('reads the machine-wide line of /proc/stat, idle and iowait as not busy', () => {
    const text = 'cpu  100 5 50 800 20 0 10 15 0 0\ncpu0 50 2 25 400 10 0 5 7 0 0\n'
    expect(parseProcStat(text)).toEqual({ busy: 180, total: 1000 })
  })

  it('refuses text that is not /proc/stat', () => {
    expect(parseProcStat('cpu0 1 2 3 4\n')).toBeUndefined()
    expect(parseProcStat('cpu  a b c d\n')).toBeUndefined()
    expect(parseProcStat('')).toBeUndefined()
  })

  it('computes the busy share between two readings', () => {
    expect(busyShare({ busy: 100, total: 1000 }, { busy: 110, total: 1100 })).toBeCloseTo(0.1)
    expect(busyShare({ busy: 100, total: 1000 }, { busy: 100, total: 1000 })).toBe(0)
  })

  it('gives up after maxWaitMs on a machine it never finds quiet', async () => {
    const result = await waitForQuiet({ windowMs: 20, maxBusyShare: -1, maxWaitMs: 100 })
    expect(result.quiet).toBe(false)
    expect(result.waitedMs).toBeGreaterThanOrEqual(90)
    expect(result.waitedMs).toBeLessThan(1_000)
  })
})

describe('comparing with raw MQTT.js measured twice per round', () => {
  it('takes the geometric mean of both runs of a round, and skips a round where either failed', () => {
    expect(pairedMean([100, 400, null], [400, 100, 50])).toEqual([200, 200, null])
  })

  it('a contender level with both runs is at 1x although it trails the first one', () => {
    const base = [110, 110, 110]
    const control = [90, 90, 90]
    const ours = [99.5, 99.5, 99.5]
    expect(pairedRatio(ours, base)).toBeLessThan(0.95)
    expect(pairedRatio(ours, pairedMean(base, control))).toBeCloseTo(1, 2)
  })
})

describe('how many rounds a group runs', () => {
  it('gives the groups the targets read more rounds, and memory groups their cap', () => {
    const options = { rounds: 11, targetRounds: 21 }
    expect(roundsOf({}, options)).toBe(11)
    expect(roundsOf({ carriesTargets: true }, options)).toBe(21)
    expect(roundsOf({ maxRounds: 5 }, options)).toBe(5)
    expect(roundsOf({ carriesTargets: true }, { rounds: 3 })).toBe(3)
  })

  it('reads --target-rounds, defaulting to 21 and never below --rounds', () => {
    const config = (...argv: string[]) => readConfig(argv, {}, '/repo')
    expect([config().rounds, config().targetRounds]).toEqual([11, 21])
    expect(config('--rounds', '30').targetRounds).toBe(30)
    expect(config('--target-rounds', '7').targetRounds).toBe(7)
    expect(readConfig([], { BENCH_TARGET_ROUNDS: '9' }, '/repo').targetRounds).toBe(9)
    expect(config('--quick').targetRounds).toBe(2)
    expect(() => config('--target-rounds', '0')).toThrow('--target-rounds must be a positive integer')
  })
})
