/**
 * The client benchmarks (issue 10): await-mqtt beside raw MQTT.js, async-mqtt and mosquitto's own C
 * clients, in one process and one run, on a local mosquitto and aedes (each a process of its own).
 * `node --conditions=@await-mqtt/source --import tsx bench/run.ts --help` lists the options.
 */
import { rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { mosquittoAvailable, mosquittoSkipReason, startMosquitto } from '@await-mqtt/test-utils'
import { startAedesProcess } from './aedes-broker.js'
import { type BenchBroker, startupMeter } from './broker.js'
import { connectMqttJs, endMqttJs, useCore } from './clients.js'
import { type BrokerName, issuePublishMessages, readConfig } from './config.js'
import { loadCore } from './core-under-test.js'
import { describeEnvironment, environmentLine } from './environment.js'
import { cliAvailable, cliSkipReason, LineFiles } from './limit.js'
import { type Group, measureGroup, type Row } from './measure.js'
import { checkTargets, markdownTable, targetLines } from './report.js'
import { manyGroups, manyNotes } from './scenario-many.js'
import { memoryGroups } from './scenario-memory.js'
import { publishGroups, qosGroups } from './scenario-publish.js'
import { fanoutGroups, receiveGroups } from './scenario-receive.js'
import { shareGroups, shareWorkMs } from './scenario-share.js'

const root = resolve(import.meta.dirname, '../../..')
const config = readConfig(process.argv.slice(2), process.env, root)
const log = (line: string) => process.stderr.write(`${line}\n`)
const environment = describeEnvironment(root)
const notes: string[] = []
const started = performance.now()

if (!config.quick && config.publishMessages < issuePublishMessages) {
  notes.push(
    `QoS 0 publishes cut to ${config.publishMessages.toLocaleString('en-US')} per round (--messages); the issue's size is ${issuePublishMessages.toLocaleString('en-US')}.`,
  )
}
if (config.quick) notes.push('--quick: tiny sizes, a smoke run; do not read anything into these figures.')
if (!cliAvailable)
  notes.push(
    `${cliSkipReason}: no C-client limit rows; the external publisher is raw MQTT.js in this process.`,
  )

const brokers: BrokerName[] = config.brokers.filter((name) => {
  if (name === 'mosquitto' && !mosquittoAvailable()) {
    notes.push(`mosquitto rows ${mosquittoSkipReason}`)
    return false
  }
  return true
})

const underTest = await loadCore(config.source)
useCore(underTest.core)
notes.push(underTest.how)

const rates = config.scenarios.some(
  (scenario) => scenario !== 'memory' && scenario !== 'many' && scenario !== 'share',
)
if (rates)
  notes.push(
    'Each JavaScript contender runs in a worker thread of its own (its own V8 isolate, as in an application that uses one library), all on the same broker, rounds interleaved; the brokers (mosquitto, aedes) and mosquitto_pub/sub are other processes.',
    'CPU µs/msg: user + system CPU time of this process (all its threads; the others wait) per message, from the first call to the last (for receive: from the publisher start). mosquitto_pub/sub: no figure.',
  )

if (config.scenarios.includes('many')) notes.push(...manyNotes(config))
if (config.scenarios.includes('share'))
  notes.push(
    `share: worker processes (share-worker.ts, each its own Node process) on one $share group of mosquitto, QoS 1, ack: 'after-processing', ${shareWorkMs} ms of waiting per job, one round; jobs/s from the first publish to the last job done; "vs base" is the speed-up over one worker. \`npm run bench:share\` runs the longer version.`,
  )

const dir = await mkdtemp(join(tmpdir(), 'await-mqtt-bench-'))
// Interrupted: remove the message files; exiting makes test-utils kill the mosquitto it started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    rmSync(dir, { recursive: true, force: true })
    if (underTest.file) rmSync(underTest.file, { force: true })
    process.exit(130)
  })
}
const lines = new LineFiles(dir)
const rows: Row[] = []
let memoryDone = false
let manyDone = false

async function withBroker(name: BrokerName, work: (broker: BenchBroker) => Promise<void>): Promise<void> {
  const server = name === 'mosquitto' ? await startMosquitto({ websocket: false }) : await startAedesProcess()
  const helper = await connectMqttJs(server.url)
  try {
    await work({
      name,
      host: server.host,
      port: server.port,
      url: server.url,
      lines,
      helper,
      publisherStartup: startupMeter(server.host, server.port, lines),
    })
  } finally {
    await endMqttJs(helper)
    await server.close()
  }
}

try {
  log(
    `core bench: ${config.quick ? 'quick' : 'full'} run, ${config.rounds} rounds (${config.targetRounds} for the targets' groups), brokers ${brokers.join(', ') || 'none'}, scenarios ${config.scenarios.join(', ')}`,
  )
  for (const name of brokers) {
    await withBroker(name, async (broker) => {
      const groups: Group[] = []
      for (const scenario of config.scenarios) {
        if (scenario === 'publish') groups.push(...publishGroups(broker, config))
        if (scenario === 'receive') groups.push(...receiveGroups(broker, config))
        if (scenario === 'qos') groups.push(...qosGroups(broker, config))
        if (scenario === 'fanout') groups.push(...fanoutGroups(broker, config))
        if (scenario === 'memory' && !memoryDone) {
          // What a client keeps does not depend on the broker: memory runs on the first one only.
          memoryDone = true
          groups.push(...memoryGroups(broker, config))
        }
        if (scenario === 'many' && !manyDone) {
          // Idle clients cost the same on any broker; the connect storm restarts a mosquitto of its own.
          manyDone = true
          groups.push(...manyGroups(broker, config))
        }
        // Worker processes on one `$share` group: mosquitto only (aedes has no shared subscriptions).
        if (scenario === 'share') groups.push(...shareGroups(broker, config))
      }
      const isolation = {
        broker: { name, host: broker.host, port: broker.port, url: broker.url, linesDir: dir },
        coreFile: underTest.file,
      }
      for (const group of groups)
        rows.push(
          ...(await measureGroup(group, {
            rounds: config.rounds,
            targetRounds: config.targetRounds,
            log,
            isolation,
            quietStarts: !config.quick,
          })),
        )
    })
  }
} finally {
  await rm(dir, { recursive: true, force: true })
  await underTest.dispose()
}

const loadAtEnd = loadavg()
if (Math.max(...environment.loadAverageAtStart, ...loadAtEnd) > cpus().length) {
  notes.push(
    `The machine was shared: load average ${environment.loadAverageAtStart[0]} at start, ${loadAtEnd[0]?.toFixed(2)} at end on ${cpus().length} CPUs; absolute rates are low and noisy, compare the ratios.`,
  )
}
const seconds = (performance.now() - started) / 1000
const table = markdownTable(rows)
const targets = checkTargets(rows)
const sizes = `sizes: ${config.publishMessages.toLocaleString('en-US')} QoS 0 publishes per round (${config.sizes.join(' B, ')} B), ${config.receiveMessages.toLocaleString('en-US')} received, ${config.qosSequential.toLocaleString('en-US')} QoS 1/2 one at a time, ${config.qosPipelined.toLocaleString('en-US')} with ${config.inflight} in flight, ${config.fanoutMessages.toLocaleString('en-US')} fan-out, ${config.memorySubscriptions.toLocaleString('en-US')} subscriptions weighed, ${config.slowMessages.toLocaleString('en-US')} to the slow consumer, ${config.manyClients.map((count) => count.toLocaleString('en-US')).join(' and ')} idle clients, ${config.shareJobs.toLocaleString('en-US')} $share jobs; ${config.rounds} rounds each (${config.targetRounds} for QoS 0 publish and receive), median; ${seconds.toFixed(0)} s in all`
const envLine = environmentLine(environment, loadAtEnd)

process.stdout.write(`\n## await-mqtt client benchmarks\n\n${envLine}\n${sizes}\n\n${table}\n\n`)
process.stdout.write(`Targets:\n${targetLines(targets).join('\n') || '- (none checked in this run)'}\n`)
if (notes.length > 0) process.stdout.write(`\nNotes:\n${notes.map((note) => `- ${note}`).join('\n')}\n`)

await mkdir(dirname(config.out), { recursive: true })
await writeFile(
  config.out,
  `${JSON.stringify(
    {
      title:
        config.scenarios.length === 1 && config.scenarios[0] === 'many'
          ? 'Many clients in one process: await-mqtt vs raw MQTT.js'
          : 'Client: await-mqtt vs MQTT.js, async-mqtt and the mosquitto C clients',
      environment: `${envLine}. ${sizes}.`,
      table: `${table}\n\n${targetLines(targets).join('\n')}${notes.length > 0 ? `\n\n${notes.map((note) => `> ${note}`).join('\n>\n')}` : ''}`,
      machine: environment,
      config: { ...config, out: undefined },
      notes,
      targets,
      results: rows,
      seconds,
    },
    null,
    2,
  )}\n`,
)
log(`core bench: JSON written to ${config.out}`)
