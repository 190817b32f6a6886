import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { type IsolationContext, isolate, isolateInProcesses, type Recipe } from './isolation.js'
import { waitForQuiet } from './quiet.js'
import { pairedRatio, type Summary, summarize } from './stats.js'

setFlagsFromString('--expose-gc')
/** A full garbage collection (the runner exposes `gc` itself, no node flag needed). */
export const collectGarbage = runInNewContext('gc') as () => void

/** What one timed run of a contender found. */
export interface Sample {
  /** msg/s for rates, bytes for memory. */
  value: number
  /** CPU time of this process per message (user + system), in µs. */
  cpuMicrosPerMessage?: number
  /** Something the reader must know about this run (e.g. messages lost). */
  note?: string
  /** More figures, kept in the JSON. */
  extra?: Record<string, number>
}

/** One library (or setup) measured in a group. */
export interface Contender {
  name: string
  /** The contender the others are compared with (raw MQTT.js). */
  baseline?: boolean
  /** The baseline measured again: how far a ratio moves by chance alone. */
  control?: boolean
  /** The other wrapper ours is compared with (async-mqtt): each row also gets its ratio to it. */
  rival?: boolean
  /** Runs another program (mosquitto's C clients): no worker thread of its own needed. */
  external?: boolean
  /** Why it cannot run here (then it is listed as skipped). */
  skip?: string
  /** One timed run of `size` messages (or subscriptions). */
  run(size: number): Promise<Sample>
}

/** Contenders compared with each other, on one broker, in one scenario. */
export interface Group {
  broker: string
  scenario: string
  unit: 'msg/s' | 'bytes' | 'ms'
  /** Rates: higher is better. Memory: lower is better. */
  higherIsBetter: boolean
  size: number
  /** A smaller run each contender does first, untimed (JIT warm-up, broker caches). */
  warmupSize: number
  contenders: Contender[]
  /** At most this many timed rounds (figures that barely move need fewer than the run's). */
  maxRounds?: number
  /** A target reads it: it runs the run's `targetRounds` (more, so its median moves less). */
  carriesTargets?: boolean
  /** Turns the measured rows into the ones reported (e.g. more rows from figures each run kept in `extra`). */
  derive?: (rows: Row[]) => Row[]
  /** How a worker thread rebuilds these contenders, to run each in an isolate of its own. */
  recipe?: Recipe
  /**
   * With a recipe: every run in a fresh child process instead of a worker thread kept for the
   * group (for figures of the whole process, such as the resident set).
   */
  freshProcess?: boolean
}

/** One line of the results. */
export interface Row {
  broker: string
  scenario: string
  contender: string
  unit: Group['unit']
  size: number
  baseline: boolean
  control: boolean
  summary: Summary | undefined
  /**
   * This contender over the baseline: the median of the per-round ratios (each round runs every
   * contender back to back, so a slow spell of the machine hits both sides of a ratio alike).
   * For memory the same, so lower is better.
   */
  ratio: number | undefined
  /** This contender over the group's rival (async-mqtt), paired by round like `ratio`. */
  rivalRatio: number | undefined
  /** Each round's value, by round (null where the run failed), for paired ratios. */
  perRound: Array<number | null>
  cpuMicrosPerMessage: number | undefined
  notes: string[]
  extra: Record<string, number[]>
  error?: string
}

/**
 * The order contenders run in, in round `round` of `count` contenders: rotated by the round, and
 * backwards every other round, so that no contender always starts first or always follows the same
 * other one (each round ran the baseline right after mosquitto_pub while the order only rotated).
 */
export function runOrder(count: number, round: number): number[] {
  const rotated = Array.from({ length: count }, (_, index) => (index + round) % count)
  return round % 2 === 1 ? rotated.reverse() : rotated
}

/**
 * Runs every contender `rounds` times, interleaved (see {@link runOrder}) so that a slowdown of
 * the shared machine does not hit one contender only. Each timed run starts once the machine is
 * quiet (see {@link waitForQuiet}): what one run left the broker to do must not slow the next one.
 * No forced GC between runs: a full GC makes V8 drop compiled code and feedback, so a short run
 * after one measures JIT warm-up (1,000 QoS 1 publishes one at a time: raw MQTT.js 13.4k -> 7.0k msg/s, await-mqtt 12.4k -> 4.9k).
 */
export async function measureGroup(group: Group, options: MeasureOptions): Promise<Row[]> {
  const { isolation } = options
  const recipe = isolation ? group.recipe : undefined
  const isolated =
    isolation && recipe && !group.freshProcess ? isolate(group.contenders, recipe, isolation) : undefined
  const inProcesses =
    isolation && recipe && group.freshProcess
      ? isolateInProcesses(group.contenders, recipe, isolation)
      : undefined
  try {
    const rows = await measureContenders(
      { ...group, contenders: isolated?.contenders ?? inProcesses ?? group.contenders },
      options,
    )
    return group.derive ? group.derive(rows) : rows
  } finally {
    await isolated?.close()
  }
}

/** How {@link measureGroup} runs a group. */
export interface MeasureOptions {
  /** Timed rounds per contender. */
  rounds: number
  /** Timed rounds of the groups a target reads (see {@link Group.carriesTargets}). */
  targetRounds?: number
  log: (line: string) => void
  /** Where the worker threads connect; without it every contender runs in this thread. */
  isolation?: IsolationContext
  /** Start each timed run on a quiet machine (off for smoke runs, whose figures mean nothing). */
  quietStarts: boolean
}

/** How many timed rounds `group` runs: the targets' groups more, memory groups fewer. */
export function roundsOf(
  group: Pick<Group, 'carriesTargets' | 'maxRounds'>,
  options: Pick<MeasureOptions, 'rounds' | 'targetRounds'>,
): number {
  const planned = group.carriesTargets ? (options.targetRounds ?? options.rounds) : options.rounds
  return Math.min(planned, group.maxRounds ?? planned)
}

async function measureContenders(group: Group, options: MeasureOptions): Promise<Row[]> {
  const { log, quietStarts } = options
  const rounds = roundsOf(group, options)
  const began = performance.now()
  const runnable = group.contenders.filter((contender) => contender.skip === undefined)
  const samples = new Map<string, Sample[]>(runnable.map((contender) => [contender.name, []]))
  const byRound = new Map<string, Array<number | null>>(
    runnable.map((contender) => [contender.name, Array.from({ length: rounds }, () => null)]),
  )
  const errors = new Map<string, string>()
  const attempt = async (contender: Contender, size: number) => {
    try {
      return await contender.run(size)
    } catch (error) {
      errors.set(contender.name, error instanceof Error ? error.message : String(error))
      return undefined
    }
  }
  for (const contender of runnable) await attempt(contender, group.warmupSize)
  const busyStarts = new Map<string, number>()
  for (let round = 0; round < rounds; round++) {
    for (const index of runOrder(runnable.length, round)) {
      const contender = runnable[index] as Contender
      if (errors.has(contender.name)) continue
      const { waitedMs, quiet } = quietStarts ? await waitForQuiet() : { waitedMs: 0, quiet: true }
      if (!quiet) busyStarts.set(contender.name, (busyStarts.get(contender.name) ?? 0) + 1)
      const sample = await attempt(contender, group.size)
      if (!sample) continue
      sample.extra = { ...sample.extra, quietWaitMs: waitedMs }
      samples.get(contender.name)?.push(sample)
      const values = byRound.get(contender.name)
      if (values) values[round] = sample.value
    }
  }
  const rows: Row[] = group.contenders.map((contender) => {
    const list = samples.get(contender.name) ?? []
    const cpu = list.flatMap((sample) =>
      sample.cpuMicrosPerMessage === undefined ? [] : [sample.cpuMicrosPerMessage],
    )
    const extra: Record<string, number[]> = {}
    for (const sample of list) {
      for (const [key, value] of Object.entries(sample.extra ?? {}))
        extra[key] = [...(extra[key] ?? []), value]
    }
    const notes = [...new Set(list.flatMap((sample) => (sample.note ? [sample.note] : [])))]
    if (contender.skip) notes.push(`skipped: ${contender.skip}`)
    const busy = busyStarts.get(contender.name)
    if (busy) notes.push(`${busy} of ${rounds} rounds started on a busy machine`)
    const row: Row = {
      broker: group.broker,
      scenario: group.scenario,
      contender: contender.name,
      unit: group.unit,
      size: group.size,
      baseline: contender.baseline === true,
      control: contender.control === true,
      summary: list.length > 0 ? summarize(list.map((sample) => sample.value)) : undefined,
      ratio: undefined,
      rivalRatio: undefined,
      perRound: byRound.get(contender.name) ?? [],
      cpuMicrosPerMessage: cpu.length > 0 ? summarize(cpu).median : undefined,
      notes,
      extra,
    }
    const error = errors.get(contender.name)
    if (error !== undefined) row.error = error
    return row
  })
  const base = rows.find((row) => row.baseline)
  if (base) for (const row of rows) row.ratio = pairedRatio(row.perRound, base.perRound)
  const rivalName = group.contenders.find((contender) => contender.rival)?.name
  const rival = rows.find((row) => row.contender === rivalName)
  if (rival) for (const row of rows) row.rivalRatio = pairedRatio(row.perRound, rival.perRound)
  log(
    `  ${group.broker} · ${group.scenario} (${((performance.now() - began) / 1000).toFixed(0)} s): ${rows.map((row) => `${row.contender} ${row.summary ? Math.round(row.summary.median) : (row.error ?? 'skipped')}`).join(' | ')}`,
  )
  return rows
}

/** Runs `work` and reports wall time and this process's CPU time. */
export async function timed(work: () => Promise<void>): Promise<{ seconds: number; cpuMicros: number }> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  await work()
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return { seconds, cpuMicros: used.user + used.system }
}
