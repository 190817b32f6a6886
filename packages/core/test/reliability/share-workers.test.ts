import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type QoS } from '../../src/index.js'
import { until } from './helpers.js'
import { type PoolWorker, startWorker } from './share-pool.js'
import type { WorkerReport } from './share-worker.js'

const total = 400
const workMs = 5

const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

describe.skipIf(!mosquittoAvailable())(
  `a $share worker pool on mosquitto, one worker SIGKILLed mid-job ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it.each([{ qos: 1 as QoS }, { qos: 2 as QoS }])(
      `QoS $qos: ${total} jobs over 2 workers (ack: 'after-processing', ${workMs} ms each), one killed: every job processed`,
      async ({ qos }) => {
        await using broker = await startMosquitto({ websocket: false })
        const topic = uniqueTopic(`jobs/qos${qos}`)
        const group = topic.replaceAll('/', '-')
        const handed = [new Map<string, number>(), new Map<string, number>()]
        const processed = new Map<string, number>()
        const processedBy = [new Set<string>(), new Set<string>()]
        let victimJob: string | undefined
        const workers: PoolWorker[] = []
        const start = (n: number) => {
          const worker = startWorker(
            { url: broker.url, clientId: `${group}-w${n}`, group, topic, qos, workMs },
            (report: WorkerReport) => {
              if (report.type === 'processing') {
                count(handed[n] ?? new Map(), report.job)
                // worker 0 dies in the middle of its 50th job
                if (n === 0 && victimJob === undefined && (handed[0]?.size ?? 0) === 50) {
                  victimJob = report.job
                  workers[0]?.kill()
                }
              } else if (report.type === 'processed') {
                count(processed, report.job)
                processedBy[n]?.add(report.job)
              }
            },
          )
          workers[n] = worker
          return worker
        }
        await Promise.all([start(0).ready, start(1).ready])

        await using producer = await Client.connect(broker.url, { maxConcurrentOutgoingCalls: 50 })
        await Promise.all(
          Array.from({ length: total }, (_, n) =>
            producer.publish(topic, String(n), { qos, timeout: 30_000 }),
          ),
        )
        expect(await workers[0]?.exited).toEqual({ code: null, signal: 'SIGKILL' })
        const victim = victimJob ?? ''
        expect(processed.has(victim)).toBe(false)

        // What the survivor gets on its own: wait until it processed everything it was handed.
        await until(
          () => [...(handed[1]?.keys() ?? [])].every((job) => processed.has(job)),
          20_000,
          'worker 1',
        )
        const heldForTheDead = Array.from({ length: total }, (_, n) => String(n)).filter(
          (job) => !processed.has(job),
        )
        const survivorGotVictim = handed[1]?.has(victim) ?? false

        // worker 0 comes back with its client id: mosquitto hands it what its session held
        const restarted = start(0)
        await restarted.ready
        await until(() => processed.size === total, 30_000, 'every job processed')
        workers[0]?.stop()
        workers[1]?.stop()
        await Promise.all([workers[0]?.exited, workers[1]?.exited])

        let duplicates = 0
        for (const times of processed.values()) duplicates += times - 1
        console.info(
          `$share on mosquitto, QoS ${qos}: ${total} jobs, worker 0 killed in job ${victim}; ${heldForTheDead.length} jobs (the one in progress ${heldForTheDead.includes(victim) ? 'among them' : 'not among them'}) waited for worker 0's session, ${survivorGotVictim ? 'the survivor got the killed job' : 'none went to the survivor'}; all processed after worker 0 came back, ${duplicates} processed twice`,
        )
        expect(processed.size).toBe(total)
        // mosquitto does not hand a dead session's in-flight jobs to the surviving worker: they wait
        // for that session (its client id) to come back
        expect(survivorGotVictim).toBe(false)
        expect(heldForTheDead).toContain(victim)
        // a job processed whose acknowledgement (PUBACK, or PUBREC at QoS 2) had not left when the
        // worker died is handed again: after-processing is at least once, whatever the QoS
        expect(duplicates).toBeLessThanOrEqual(1)
      },
      90_000,
    )
  },
)
