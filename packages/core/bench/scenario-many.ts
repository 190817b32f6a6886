import { execFileSync } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Client, Subscription } from '@await-mqtt/core'
import { mosquittoAvailable, mosquittoSkipReason, startMosquitto } from '@await-mqtt/test-utils'
import mqtt, { type MqttClient } from 'mqtt'
import type { BenchBroker } from './broker.js'
import { benchTopic } from './broker.js'
import { clientId, connectMqttJs, connectOurs, endMqttJs, ours, protocolVersion } from './clients.js'
import type { BenchConfig } from './config.js'
import { type Contender, collectGarbage, type Group, type Row } from './measure.js'
import { pumpCallbacks, pumpPromises } from './pump.js'
import { pairedRatio, summarize } from './stats.js'

/** Clients connect (and subscribe) this many at a time, as the issue measured. */
const window = 50
/** File descriptors this process needs besides one per client (modules, the helper, stdio, workers). */
const spareFiles = 200

/** The open-file limit of this process (Node raises the soft limit to the hard one at start). */
export function openFileLimit(): number | undefined {
  try {
    // A child inherits this process's limits; `ulimit -n` prints the soft one in force.
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()
    return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text)
  } catch {
    return undefined
  }
}

/** Why `count` clients cannot be held here, or undefined when they can. */
function tooManyFiles(count: number, limit: number | undefined): string | undefined {
  if (limit === undefined || count + spareFiles <= limit) return undefined
  return `open-file limit ${limit} (ulimit -n, Node raises it to the hard limit) is below the ${(count + spareFiles).toLocaleString('en-US')} files ${count.toLocaleString('en-US')} connections need; raise the hard limit (ulimit -Hn, /etc/security/limits.conf) to run this row`
}

/** JS heap plus Buffers, the resident set and the heap V8 committed, after two full collections. */
async function settledMemory(): Promise<{ heap: number; rss: number; committed: number }> {
  // Closed sockets and ended clients leave finalizers and timers: let them run first.
  for (let pass = 0; pass < 3; pass++) {
    collectGarbage()
    await sleep(20)
  }
  collectGarbage()
  collectGarbage()
  const { heapUsed, external, rss, heapTotal } = process.memoryUsage()
  return { heap: heapUsed + external, rss, committed: heapTotal }
}

/** `count` clients of one library, each connected and holding one subscription. */
interface Fleet {
  /** Connects `count` clients, `window` at a time. */
  connect(count: number): Promise<void>
  /** Subscribes each client to a topic of its own, `window` at a time. */
  subscribe(): Promise<void>
  close(): Promise<void>
}

function mqttJsFleet(url: string, options: mqtt.IClientOptions = {}): Fleet & { clients: MqttClient[] } {
  const clients: MqttClient[] = []
  const base = benchTopic('many')
  return {
    clients,
    async connect(count) {
      await pumpPromises(count, window, async () => {
        clients.push(
          Object.keys(options).length === 0
            ? await connectMqttJs(url)
            : await mqtt.connectAsync(url, {
                protocolVersion,
                clientId: clientId('mqttjs'),
                keepalive: 60,
                ...options,
              }),
        )
      })
    },
    async subscribe() {
      let index = 0
      await pumpCallbacks(clients.length, window, (done) => {
        const at = index++
        ;(clients[at] as MqttClient).subscribe(`${base}/${at}`, { qos: 0 }, done)
      })
    },
    async close() {
      let index = 0
      await pumpPromises(clients.length, 500, () => endMqttJs(clients[index++] as MqttClient))
      clients.length = 0
    },
  }
}

function oursFleet(
  url: string,
  connect: (url: string) => Promise<Client> = connectOurs,
): Fleet & { clients: Client[] } {
  const clients: Client[] = []
  const held: Subscription[] = []
  const base = benchTopic('many')
  return {
    clients,
    async connect(count) {
      await pumpPromises(count, window, async () => {
        clients.push(await connect(url))
      })
    },
    async subscribe() {
      let index = 0
      await pumpPromises(clients.length, window, async () => {
        const at = index++
        held.push(await (clients[at] as Client).subscribe(`${base}/${at}`))
      })
    },
    async close() {
      let index = 0
      await pumpPromises(clients.length, 500, () => (clients[index++] as Client).close())
      clients.length = 0
      held.length = 0
    },
  }
}

/**
 * Clients connected, each with one subscription, before the baseline and kept through the run: in
 * a fresh process (see {@link manyGroups}) they compile the library's connect and subscribe paths
 * and make what it creates once per process (shared timers, tables, MQTT.js's lazily loaded
 * modules), so that the figures count what each further client keeps. Kept rather than closed: the
 * pages closed clients free would be reused by the measured ones.
 */
// 200, not 50: with 50 the resident set then grew by ~15 MB more over the first 1,000 measured
// clients, whatever the library (V8 heap pages), which evens out the ratio at 1,000.
export const warmClients = 4 * window

/**
 * Connects {@link warmClients} clients and weighs the process, then connects `count` more 50 at a
 * time (timed), subscribes each to one topic, and weighs again: heap (with Buffers) and resident
 * set per measured client, after two full collections.
 */
function idleClients(name: string, fleet: () => Fleet, baseline = false, skip?: string): Contender {
  return {
    name,
    baseline,
    skip,
    async run(count) {
      const warm = fleet()
      const clients = fleet()
      try {
        await warm.connect(warmClients)
        await warm.subscribe()
        const before = await settledMemory()
        const started = performance.now()
        await clients.connect(count)
        const connectMs = performance.now() - started
        await clients.subscribe()
        const after = await settledMemory()
        return {
          value: (after.heap - before.heap) / count,
          extra: {
            rssPerClient: (after.rss - before.rss) / count,
            connectMs,
            heapBaseline: before.heap,
            rssBaseline: before.rss,
            // What V8 reserved for the heap, used or not: part of the resident set's growth.
            heapCommittedPerClient: (after.committed - before.committed) / count,
          },
        }
      } finally {
        await clients.close()
        await warm.close()
      }
    },
  }
}

/**
 * The idle-client contenders holding `count` clients each (the recipe a child process rebuilds
 * them from): raw MQTT.js, the baseline, and await-mqtt.
 */
export function idleClientContenders(broker: Pick<BenchBroker, 'url'>, count: number): Contender[] {
  const skip = tooManyFiles(count + warmClients, openFileLimit())
  return [
    idleClients('MQTT.js connectAsync() + subscribe()', () => mqttJsFleet(broker.url), true, skip),
    idleClients('await-mqtt Client.connect() + subscribe()', () => oursFleet(broker.url), false, skip),
  ]
}

/** Waits until every one of `count` events happened; `arm(index, done)` sets up the i-th. */
function all(count: number, arm: (index: number, done: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    let left = count
    if (left === 0) resolve()
    for (let index = 0; index < count; index++)
      arm(index, () => {
        if (--left === 0) resolve()
      })
  })
}

/** The first event of `types` the client reports from now on. */
async function nextEvent(client: Client, type: 'connected' | 'disconnected'): Promise<void> {
  const events = client.events({ maxBuffered: 4 })
  try {
    for await (const event of events) if (event.type === type) return
  } finally {
    events.close()
  }
}

/** MQTT.js's `reconnectPeriod` in the storm: a fixed delay, the same as await-mqtt's first one. */
const mqttJsReconnectPeriod = 100

/**
 * The connect storm: `count` clients with reconnecting on, each holding one subscription, on a
 * mosquitto of their own; it is stopped (every client sees its connection close) and started again
 * on the same port. Measured: from mosquitto listening again until every client is connected again.
 */
function storm(
  name: string,
  fleet: (url: string) => Fleet & { clients: unknown[] },
  baseline = false,
  skip?: string,
): Contender {
  return {
    name,
    baseline,
    skip: skip ?? (mosquittoAvailable() ? undefined : `mosquitto ${mosquittoSkipReason}`),
    async run(count) {
      const broker = await startMosquitto({ websocket: false })
      const clients = fleet(broker.url)
      try {
        await clients.connect(count)
        await clients.subscribe()
        const lost = watch(clients.clients, 'disconnected')
        await broker.stop()
        await lost
        const back = watch(clients.clients, 'connected')
        const stopped = performance.now()
        await broker.start()
        const listening = performance.now()
        await back
        const done = performance.now()
        return {
          value: done - listening,
          extra: { restartMs: listening - stopped, outageMs: done - stopped },
        }
      } finally {
        await clients.close()
        await broker.close()
      }
    },
  }
}

/** Resolves once every client reported `type` (MQTT.js: `close` / `connect`). */
function watch(clients: readonly unknown[], type: 'connected' | 'disconnected'): Promise<void> {
  return all(clients.length, (index, done) => {
    const client = clients[index]
    if (client instanceof mqtt.MqttClient) client.once(type === 'connected' ? 'connect' : 'close', done)
    else void nextEvent(client as Client, type).then(done)
  })
}

/** The issue's limits, as multiples of raw MQTT.js. */
export const manyTargets = { heap: 1.1, rss: 1.15, connect: 1.1 } as const

const heapScenario = (count: number) =>
  `many clients: heap per client, ${count.toLocaleString('en-US')} idle clients, 1 subscription each`
const rssScenario = (count: number) =>
  `many clients: RSS per client, ${count.toLocaleString('en-US')} idle clients, 1 subscription each`
const connectScenario = (count: number) =>
  `many clients: connect time, ${count.toLocaleString('en-US')} clients ${window} at a time`
const stormScenario = (count: number) =>
  `many clients: connect storm, ${count.toLocaleString('en-US')} clients back after a broker restart`

/** Whether `row` is one of the rows {@link manyTargets} applies to, and which limit. */
export function manyTarget(row: Pick<Row, 'scenario'>): { limit: number; what: string } | undefined {
  if (row.scenario.startsWith('many clients: heap per client'))
    return { limit: manyTargets.heap, what: 'heap per client' }
  if (row.scenario.startsWith('many clients: RSS per client'))
    return { limit: manyTargets.rss, what: 'RSS per client' }
  if (row.scenario.startsWith('many clients: connect time'))
    return { limit: manyTargets.connect, what: 'connect time' }
  return undefined
}

/**
 * The heap group's rows plus, from the same runs, an RSS-per-client row and a connect-time row per
 * contender, with their own ratios paired by round; each of ours gets a note when it misses its
 * target, saying by how much.
 */
function split(count: number): (rows: Row[]) => Row[] {
  return (rows) => {
    const derived = (key: string, scenario: string, unit: Row['unit']): Row[] => {
      const made = rows.map((row): Row => {
        const values = row.extra[key] ?? []
        let next = 0
        // Samples are kept in round order, one per round that did not fail.
        const perRound = row.perRound.map((value) => (value === null ? null : (values[next++] ?? null)))
        return {
          ...row,
          scenario,
          unit,
          perRound,
          summary: values.length > 0 ? summarize(values) : undefined,
          notes: [...row.notes],
          extra: {},
        }
      })
      const base = made.find((row) => row.baseline)
      if (base) for (const row of made) row.ratio = pairedRatio(row.perRound, base.perRound)
      return made
    }
    const all = [
      ...rows.map((row) => ({ ...row, extra: { connectMs: [], rssPerClient: [], ...row.extra } })),
      ...derived('rssPerClient', rssScenario(count), 'bytes'),
      ...derived('connectMs', connectScenario(count), 'ms'),
    ]
    for (const row of all) {
      const target = manyTarget(row)
      if (target === undefined || row.baseline || row.ratio === undefined) continue
      if (row.ratio > target.limit)
        row.notes.push(
          `target ≤ ${target.limit.toFixed(2)}× raw MQTT.js missed by ${(row.ratio - target.limit).toFixed(2)}× (${((row.ratio / target.limit - 1) * 100).toFixed(0)}% over)`,
        )
    }
    return all
  }
}

/** What a reader of the many-clients rows must know. */
export function manyNotes(config: BenchConfig): string[] {
  const limit = openFileLimit()
  const largest = Math.max(...config.manyClients)
  return [
    `Many clients: each run in a fresh Node process of its own (--expose-gc, the same build of await-mqtt as the other rows), one per contender per round, rounds interleaved (raw MQTT.js, await-mqtt, raw, ...). The process loads the library, connects ${warmClients} clients with one subscription each and keeps them (they compile the connect path and make what is made once per process), collects garbage and weighs itself; then it connects the N measured clients ${window} at a time (timed: connect time), one SUBSCRIBE each, ${window} at a time, collects garbage twice and weighs again. Per client = the difference over N; heap = JS heap + Buffers, RSS = the process's resident set. A process per run because in one process V8 and glibc keep the pages a previous run freed and whichever library runs next reuses them (measured that way, raw MQTT.js's own rounds spread from −13.8 to +16.0 KiB per client at 1,000 clients). Times (connect, storm) are noisy on a shared 2-core machine: read their ratios, not their values.`,
    `Open-file limit ${limit === undefined ? 'unknown' : limit.toLocaleString('en-US')}: ${tooManyFiles(largest + warmClients, limit) ?? `enough for ${largest.toLocaleString('en-US')} clients (+${warmClients} warm-up, +${spareFiles} spare)`}.`,
    `Connect storm: a mosquitto of its own (MQTT 3.1.1), stopped and started again on the same port once every client saw its connection close; the figure runs from mosquitto listening again until every client is connected again (extra restartMs, outageMs in the JSON). MQTT.js has no backoff or jitter: it retries every ${mqttJsReconnectPeriod} ms; await-mqtt uses its reconnect defaults (first delay 100 ms, doubling, jitter ±20%), so a broker down longer than the first delays meets it further along its backoff.`,
  ]
}

/** Many clients in one process (issue 25): memory and connect time per client, and the connect storm. */
export function manyGroups(broker: BenchBroker, config: BenchConfig): Group[] {
  const limit = openFileLimit()
  const groups: Group[] = []
  for (const count of config.manyClients) {
    groups.push({
      broker: broker.name,
      scenario: heapScenario(count),
      unit: 'bytes',
      higherIsBetter: false,
      size: count,
      // Each run is a fresh process that warms itself up: this one only checks the children start.
      warmupSize: Math.min(count, window),
      maxRounds: count >= 10_000 ? 3 : 5,
      contenders: idleClientContenders(broker, count),
      recipe: { module: import.meta.url, factory: 'idleClientContenders', args: [count] },
      freshProcess: true,
      derive: split(count),
    })
  }
  for (const count of config.manyClients) {
    // The broker holds as many connections as this process: it inherits the same limit.
    const skip = tooManyFiles(count, limit)
    groups.push({
      broker: 'mosquitto',
      scenario: stormScenario(count),
      unit: 'ms',
      higherIsBetter: false,
      size: count,
      warmupSize: Math.min(count, 200),
      maxRounds: 3,
      contenders: [
        storm(
          `MQTT.js reconnectPeriod ${mqttJsReconnectPeriod} ms (fixed, no jitter)`,
          (url) => mqttJsFleet(url, { reconnectPeriod: mqttJsReconnectPeriod }),
          true,
          skip,
        ),
        storm(
          'await-mqtt reconnect: true (100 ms ×2, jitter 0.2)',
          (url) =>
            oursFleet(url, (target) =>
              ours().Client.connect(target, {
                protocolVersion,
                clientId: clientId('ours'),
                keepalive: 60,
                reconnect: true,
              }),
            ),
          false,
          skip,
        ),
      ],
    })
  }
  return groups
}
