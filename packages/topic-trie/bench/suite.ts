import { contenders } from './contenders.js'
import { type Loaded, load, median, medianRate, timeRound } from './measure.js'
import { workload } from './workload.js'

export interface SuiteOptions {
  /** Filter counts to load. @default [10_000, 100_000] */
  sizes?: readonly number[]
  /** Distinct topics matched in a loop. @default 10_000 */
  topics?: number
  /** Length of one timed round. @default 150 */
  milliseconds?: number
  /**
   * Timed rounds per contender, interleaved so that a noisy neighbour hits all alike; the median
   * counts, and a ratio is the median of the per-round ratios of a contender and its baseline.
   * @default 15
   */
  rounds?: number
}

export interface Row {
  filters: number
  contender: string
  topicsPerSecond: number
  /** Speed relative to the contender's baseline (1 for a baseline). */
  ratio: number
  heapBytes: number
  loadMs: number
  matched: number
}

export interface SuiteResult {
  rows: Row[]
  table: string
}

const format = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** Loads every contender, checks they agree with their baselines, then times them in interleaved rounds. */
function runSize(size: number, topicCount: number, milliseconds: number, rounds: number): Row[] {
  const { filters, topics } = workload({ filters: size, topics: topicCount })
  const checkTopics = topics.slice(0, 200)
  const loaded: Loaded[] = contenders.map((contender) => load(contender, filters, topics, checkTopics))
  const byName = (name: string | undefined) => loaded.find((entry) => entry.contender.name === name)
  for (const entry of loaded) {
    const baseline = byName(entry.contender.baseline)
    if (baseline !== undefined && baseline.matched !== entry.matched) {
      throw new Error(
        `${entry.contender.name} found ${entry.matched} matches, ${baseline.contender.name} ${baseline.matched}`,
      )
    }
  }
  let sink = 0
  for (let round = 0; round < rounds; round++)
    for (const entry of loaded) sink += timeRound(entry, milliseconds)
  if (sink < 0) throw new Error('unreachable: keeps the results alive')
  return loaded.map((entry) => {
    const baseline = byName(entry.contender.baseline)
    return {
      filters: size,
      contender:
        entry.contender.name + (entry.contender.sample ? ` (first ${entry.contender.sample} topics)` : ''),
      topicsPerSecond: medianRate(entry),
      ratio:
        baseline === undefined
          ? 1
          : median(entry.rates.map((rate, round) => rate / (baseline.rates[round] as number))),
      heapBytes: entry.heapBytes,
      loadMs: entry.loadMs,
      matched: entry.matched,
    }
  })
}

/**
 * Runs every contender on every size and renders a Markdown table: topics matched per second (median
 * of interleaved rounds), speed relative to the baseline, heap after load and load time.
 */
export function runSuite({
  sizes = [10_000, 100_000],
  topics = 10_000,
  milliseconds = 150,
  rounds = 15,
}: SuiteOptions = {}): SuiteResult {
  const rows = sizes.flatMap((size) => runSize(size, topics, milliseconds, rounds))
  const lines = [
    '| filters | matcher | topics/s | vs baseline | heap after load (MB) | load (ms) |',
    '| ---: | --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${format.format(row.filters)} | ${row.contender} | ${format.format(row.topicsPerSecond)} | ${row.ratio < 0.1 ? row.ratio.toPrecision(2) : row.ratio.toFixed(2)}× | ${(row.heapBytes / 2 ** 20).toFixed(1)} | ${format.format(row.loadMs)} |`,
    ),
  ]
  return { rows, table: lines.join('\n') }
}
