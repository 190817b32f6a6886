import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Contender } from './contenders.js'

setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

/** The heap after full collections, in bytes. */
function settledHeap(): number {
  collect()
  collect()
  return process.memoryUsage().heapUsed
}

/** A contender with its filters loaded. */
export interface Loaded {
  contender: Contender
  matcher: unknown
  topics: readonly string[]
  loadMs: number
  heapBytes: number
  /** What `run` returned, summed over the check topics: how many matches (or matching topics) there were. */
  matched: number
  /** Topics per second of each timed round. */
  rates: number[]
}

/** Loads `filters` into `contender` and weighs it (the heap it added, after garbage collection). */
export function load(
  contender: Contender,
  filters: readonly string[],
  topics: readonly string[],
  checkTopics: readonly string[],
): Loaded {
  const before = settledHeap()
  const started = performance.now()
  const matcher = contender.load(filters)
  const loadMs = performance.now() - started
  const heapBytes = settledHeap() - before
  let matched = 0
  for (const topic of checkTopics) matched += contender.run(matcher, topic)
  const sample = contender.sample === undefined ? topics : topics.slice(0, contender.sample)
  return { contender, matcher, topics: sample, loadMs, heapBytes, matched, rates: [] }
}

/** Matches the loaded contender's topics in a loop for `milliseconds`; records the rate. */
export function timeRound(loaded: Loaded, milliseconds: number): number {
  const { contender, matcher, topics } = loaded
  // Slow contenders check the clock after every topic, so that a round does not overrun.
  const batchSize = contender.sample === undefined ? 16 : 1
  let sink = 0
  let done = 0
  let index = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < milliseconds) {
    for (let batch = 0; batch < batchSize; batch++) {
      sink += contender.run(matcher, topics[index] as string)
      index = index + 1 === topics.length ? 0 : index + 1
    }
    done += batchSize
    elapsed = performance.now() - start
  }
  loaded.rates.push((done / elapsed) * 1000)
  return sink
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/** The median of the recorded rates. */
export function medianRate(loaded: Loaded): number {
  return median(loaded.rates)
}
