import { resolve } from 'node:path'
import { parseArgs } from 'node:util'

/** Every benchmark group the runner knows, in the order they run. */
export const scenarioNames = ['publish', 'receive', 'qos', 'fanout', 'memory', 'many', 'share'] as const
export type ScenarioName = (typeof scenarioNames)[number]
export type BrokerName = 'mosquitto' | 'aedes'

/** What one run measures and how big it is. */
export interface BenchConfig {
  quick: boolean
  /** Measure the tsx-loaded TypeScript source instead of a plain-JavaScript bundle of it. */
  source: boolean
  /** Timed rounds per contender (the median counts). */
  rounds: number
  /** Timed rounds of the QoS 0 publish and receive groups, which the targets read. */
  targetRounds: number
  brokers: BrokerName[]
  scenarios: ScenarioName[]
  /** (a) QoS 0 messages per round and payload size. */
  publishMessages: number
  /** (a) payload sizes in bytes. */
  sizes: number[]
  /** (b) messages per round, publish -> receive. */
  receiveMessages: number
  /** (c) messages per round, one awaited at a time. */
  qosSequential: number
  /** (c) messages per round, `inflight` at a time. */
  qosPipelined: number
  /** (c) how many QoS 1/2 publishes are in flight at once when pipelined. */
  inflight: number
  /** (d) messages per round. */
  fanoutMessages: number
  /** (d) how many filtered streams the client holds. */
  fanoutStreams: number[]
  /** (e) subscriptions weighed. */
  memorySubscriptions: number
  /** (e) messages a fast publisher sends to a slow consumer. */
  slowMessages: number
  /** (e) the slow consumer's queue bound. */
  slowMaxQueued: number
  /** (f) how many idle clients one process holds, per row (issue 25). */
  manyClients: number[]
  /** (g) jobs per run of the `$share` worker pools (issue 22). */
  shareJobs: number
  /** Where the JSON goes. */
  out: string
}

/** The issue's size for the QoS 0 publish rate; the default run cuts it (see `full`). */
export const issuePublishMessages = 100_000

/**
 * Default sizes: the issue's 100,000 QoS 0 publishes per round; the other scenarios are cut so the
 * whole run takes about 10 minutes on a 2-core machine. Receiving rounds last about half a second
 * (shorter ones moved a ratio by ±15% on a shared machine), and 11 rounds give the median of the
 * paired ratios some weight. The groups the targets read (QoS 0 publish, receive) run 21: their
 * rounds swing ±20% from one run to the next, and at 11 the median of the ratio still moved ±5%,
 * the whole margin of a 0.95x target. `--messages N` sets the publishes per round and scales the other
 * counts alike.
 */
const full = {
  rounds: 11,
  targetRounds: 21,
  publishMessages: issuePublishMessages,
  receiveMessages: 50_000,
  qosSequential: 3_000,
  qosPipelined: 10_000,
  fanoutMessages: 20_000,
  memorySubscriptions: 10_000,
  slowMessages: 20_000,
  shareJobs: 1_000,
}

const quick = {
  rounds: 2,
  targetRounds: 2,
  publishMessages: 2_000,
  receiveMessages: 2_000,
  qosSequential: 200,
  qosPipelined: 500,
  fanoutMessages: 1_000,
  memorySubscriptions: 1_000,
  slowMessages: 2_000,
  shareJobs: 200,
}

const help = `Usage: npm run bench -w @await-mqtt/core -- [options]   (or node --conditions=@await-mqtt/source --import tsx bench/run.ts)

  --quick                 tiny sizes, 2 rounds (smoke test)              env BENCH_QUICK=1
  --source                measure core's source as tsx loads it, not a plain-JS bundle  env BENCH_SOURCE=1
  --rounds N              timed rounds per contender (default 11)        env BENCH_ROUNDS
  --target-rounds N       rounds of the groups the targets read: QoS 0 publish, receive
                          (default 21, at least --rounds)                env BENCH_TARGET_ROUNDS
  --messages N            QoS 0 publishes per round (default 100000, the issue's size);
                          the other counts scale with it                          env BENCH_MESSAGES
  --brokers a,b           mosquitto,aedes (default both)                 env BENCH_BROKERS
  --only a,b              ${scenarioNames.join(',')}               env BENCH_ONLY
  --sizes a,b             payload sizes for the publish rate (64,4096)   env BENCH_SIZES
  --inflight N            QoS 1/2 publishes in flight when pipelined (20) env BENCH_INFLIGHT
  --streams a,b           fan-out stream counts (1,100,10000)            env BENCH_STREAMS
  --clients a,b           idle clients held at once, "many" scenario (1000,10000)  env BENCH_CLIENTS
  --out FILE              JSON output (default <repo>/bench-results/core.json)  env BENCH_OUT
`

function list(value: string | undefined): string[] | undefined {
  return value === undefined || value === '' ? undefined : value.split(',').map((item) => item.trim())
}

function count(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`${name} must be a positive integer, not ${value}`)
  return parsed
}

/** Reads flags (which win) and `BENCH_*` environment variables. Prints usage and exits on `--help`. */
export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv, repoRoot: string): BenchConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      source: { type: 'boolean' },
      rounds: { type: 'string' },
      'target-rounds': { type: 'string' },
      messages: { type: 'string' },
      brokers: { type: 'string' },
      only: { type: 'string' },
      sizes: { type: 'string' },
      inflight: { type: 'string' },
      streams: { type: 'string' },
      clients: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: false,
  })
  if (values.help) {
    process.stdout.write(help)
    process.exit(0)
  }
  const isQuick = values.quick ?? env.BENCH_QUICK === '1'
  const base = isQuick ? quick : full
  const messages = count(values.messages ?? env.BENCH_MESSAGES, '--messages')
  const scale = messages === undefined ? 1 : messages / full.publishMessages
  const scaled = (value: number) => Math.max(10, Math.round(value * (messages === undefined ? 1 : scale)))
  const sized = messages === undefined ? base : full
  const brokers = (list(values.brokers ?? env.BENCH_BROKERS) ?? ['mosquitto', 'aedes']) as BrokerName[]
  for (const broker of brokers) {
    if (broker !== 'mosquitto' && broker !== 'aedes') throw new Error(`unknown broker ${broker}`)
  }
  const scenarios = (list(values.only ?? env.BENCH_ONLY) ?? [...scenarioNames]) as ScenarioName[]
  for (const scenario of scenarios) {
    if (!scenarioNames.includes(scenario)) throw new Error(`unknown scenario ${scenario}`)
  }
  const rounds = count(values.rounds ?? env.BENCH_ROUNDS, '--rounds') ?? base.rounds
  const streams = list(values.streams ?? env.BENCH_STREAMS)?.map((item) => count(item, '--streams') as number)
  const clients = list(values.clients ?? env.BENCH_CLIENTS)?.map((item) => count(item, '--clients') as number)
  const sizes = list(values.sizes ?? env.BENCH_SIZES)?.map((item) => count(item, '--sizes') as number)
  return {
    quick: isQuick,
    source: values.source ?? env.BENCH_SOURCE === '1',
    rounds,
    targetRounds:
      count(values['target-rounds'] ?? env.BENCH_TARGET_ROUNDS, '--target-rounds') ??
      Math.max(rounds, base.targetRounds),
    brokers,
    scenarios: scenarioNames.filter((name) => scenarios.includes(name)),
    publishMessages: scaled(sized.publishMessages),
    sizes: sizes ?? [64, 4096],
    receiveMessages: scaled(sized.receiveMessages),
    qosSequential: scaled(sized.qosSequential),
    qosPipelined: scaled(sized.qosPipelined),
    inflight: count(values.inflight ?? env.BENCH_INFLIGHT, '--inflight') ?? 20,
    fanoutMessages: scaled(sized.fanoutMessages),
    fanoutStreams: streams ?? (isQuick ? [1, 100, 1_000] : [1, 100, 10_000]),
    memorySubscriptions: isQuick ? quick.memorySubscriptions : full.memorySubscriptions,
    slowMessages: scaled(sized.slowMessages),
    slowMaxQueued: 100,
    manyClients: clients ?? (isQuick ? [100] : [1_000, 10_000]),
    shareJobs: scaled(sized.shareJobs),
    out: resolve(values.out ?? env.BENCH_OUT ?? resolve(repoRoot, 'bench-results', 'core.json')),
  }
}
