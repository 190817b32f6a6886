/**
 * Scale-out of consumers (issue 22): N worker processes (1, 2, 4) on one `$share` group on a local
 * mosquitto, each with `ack: 'after-processing'` and a fixed work time per job; prints jobs/s per N
 * and the speed-up over one worker. `npm run bench:share --workspace @await-mqtt/core [-- jobs workMs]`.
 */
import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { Client } from '../src/index.js'
import { startWorker } from '../test/reliability/share-pool.js'

const jobs = Number(process.argv[2] ?? 2000)
const workMs = Number(process.argv[3] ?? 5)
const qos = 1
if (!mosquittoAvailable()) {
  console.log(`share-scaling ${mosquittoSkipReason}`)
  process.exit(0)
}

async function measure(workers: number): Promise<number> {
  await using broker = await startMosquitto({ websocket: false })
  const topic = uniqueTopic('bench/jobs')
  const group = topic.replaceAll('/', '-')
  const processed = new Set<string>()
  let allDone: () => void = () => {}
  const done = new Promise<void>((resolve) => (allDone = resolve))
  const pool = Array.from({ length: workers }, (_, n) =>
    startWorker({ url: broker.url, clientId: `${group}-w${n}`, group, topic, qos, workMs }, (report) => {
      if (report.type !== 'processed') return
      processed.add(report.job)
      if (processed.size === jobs) allDone()
    }),
  )
  await Promise.all(pool.map((worker) => worker.ready))
  await using producer = await Client.connect(broker.url, { maxConcurrentOutgoingCalls: 100 })
  const started = performance.now()
  await Promise.all(Array.from({ length: jobs }, (_, n) => producer.publish(topic, String(n), { qos })))
  await done
  const seconds = (performance.now() - started) / 1000
  for (const worker of pool) worker.stop()
  await Promise.all(pool.map((worker) => worker.exited))
  return jobs / seconds
}

const rows: string[] = []
let one = 0
for (const workers of [1, 2, 4]) {
  const rate = await measure(workers)
  if (workers === 1) one = rate
  rows.push(`| ${workers} | ${Math.round(rate)} | ${(rate / one).toFixed(2)}× |`)
}
console.log(
  `$share worker pool on mosquitto: ${jobs} jobs, QoS ${qos}, ack: 'after-processing', ${workMs} ms of work each\n`,
)
console.log('| workers | jobs/s | speed-up |\n| --- | --- | --- |')
console.log(rows.join('\n'))
