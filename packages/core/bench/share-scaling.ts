/**
 * Scale-out of consumers (issue 22): N worker processes (1, 2, 4) on one `$share` group on a local
 * mosquitto, each with `ack: 'after-processing'` and a fixed work time per job; prints jobs/s per N
 * and the speed-up over one worker. `npm run bench:share --workspace @await-mqtt/core [-- jobs workMs]`.
 * `npm run bench` runs a shorter version as its `share` scenario (scenario-share.ts).
 */
import { mosquittoAvailable, mosquittoSkipReason, startMosquitto } from '@await-mqtt/test-utils'
import { runSharePool } from './share-pool-run.js'

const jobs = Number(process.argv[2] ?? 2000)
const workMs = Number(process.argv[3] ?? 5)
if (!mosquittoAvailable()) {
  console.log(`share-scaling ${mosquittoSkipReason}`)
  process.exit(0)
}

async function measure(workers: number): Promise<number> {
  await using broker = await startMosquitto({ websocket: false })
  return (await runSharePool(broker.url, workers, jobs, workMs)).jobsPerSecond
}

const rows: string[] = []
let one = 0
for (const workers of [1, 2, 4]) {
  const rate = await measure(workers)
  if (workers === 1) one = rate
  rows.push(`| ${workers} | ${Math.round(rate)} | ${(rate / one).toFixed(2)}× |`)
}
console.log(
  `$share worker pool on mosquitto: ${jobs} jobs, QoS 1, ack: 'after-processing', ${workMs} ms of work each\n`,
)
console.log('| workers | jobs/s | speed-up |\n| --- | --- | --- |')
console.log(rows.join('\n'))
