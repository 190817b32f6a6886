import { uniqueTopic } from '@await-mqtt/test-utils'
import { Client } from '../src/index.js'
import { startWorker } from '../test/reliability/share-pool.js'

/** What one pool run found. */
export interface PoolRun {
  /** Jobs processed per second, from the first publish to the last job done. */
  jobsPerSecond: number
  /** Jobs processed more than once. */
  duplicates: number
}

/**
 * Starts `workers` worker processes (share-worker.ts) on one `$share` group of the broker at `url`
 * (a fresh topic), publishes `jobs` QoS 1 jobs once they all subscribed, and times until every job
 * was processed; each job takes `workMs` of waiting (`ack: 'after-processing'`). The workers stop
 * before it resolves; starting them is not timed.
 */
export async function runSharePool(
  url: string,
  workers: number,
  jobs: number,
  workMs: number,
): Promise<PoolRun> {
  const topic = uniqueTopic('bench/jobs')
  const group = topic.replaceAll('/', '-')
  const processed = new Set<string>()
  let duplicates = 0
  let allDone: () => void = () => {}
  const done = new Promise<void>((resolve) => (allDone = resolve))
  const pool = Array.from({ length: workers }, (_, n) =>
    startWorker({ url, clientId: `${group}-w${n}`, group, topic, qos: 1, workMs }, (report) => {
      if (report.type !== 'processed') return
      if (processed.has(report.job)) duplicates++
      processed.add(report.job)
      if (processed.size === jobs) allDone()
    }),
  )
  try {
    await Promise.all(pool.map((worker) => worker.ready))
    await using producer = await Client.connect(url, { maxConcurrentOutgoingCalls: 100 })
    const started = performance.now()
    await Promise.all(Array.from({ length: jobs }, (_, n) => producer.publish(topic, String(n), { qos: 1 })))
    await done
    return { jobsPerSecond: jobs / ((performance.now() - started) / 1000), duplicates }
  } finally {
    for (const worker of pool) worker.stop()
    await Promise.all(pool.map((worker) => worker.exited))
  }
}
