import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type QoS } from '../../src/index.js'
import { until } from './helpers.js'
import { type PoolWorker, startWorker } from './share-pool.js'
import type { WorkerReport } from './share-worker.js'

const total = 400
const workMs = 5
const workers = 3

const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

describe.skipIf(!mosquittoAvailable())(
  `a $share worker pool on mosquitto adopting a SIGKILLed worker's session ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it.each([{ qos: 1 as QoS }, { qos: 2 as QoS }])(
      `QoS $qos: ${total} jobs over ${workers} workers, one killed mid-job: a survivor adopts its session, every job processed, the session gone`,
      async ({ qos }) => {
        await using broker = await startMosquitto({ websocket: false })
        const topic = uniqueTopic(`jobs/qos${qos}`)
        const group = topic.replaceAll('/', '-')
        const victimId = `${group}-w0`
        const handedToVictim = new Set<string>()
        const processed = new Map<string, number>()
        const processedBySurvivors = new Set<string>()
        const adoptedJobs = new Set<string>()
        let adoptedDups = 0
        const adoptions: { by: number; of: string; sessionPresent: boolean; handled: number }[] = []
        const failures: string[] = []
        let victimJob: string | undefined
        let killedAt = 0
        let adoptedAt = 0
        const pool: PoolWorker[] = []
        for (let n = 0; n < workers; n++) {
          pool[n] = startWorker(
            { url: broker.url, clientId: `${group}-w${n}`, group, topic, qos, workMs, adopt: true },
            (report: WorkerReport) => {
              if (report.type === 'processing') {
                if (report.adopted) {
                  adoptedJobs.add(report.job)
                  if (report.dup) adoptedDups++
                }
                if (n !== 0) return
                handedToVictim.add(report.job)
                // worker 0 dies in the middle of its 50th job
                if (victimJob === undefined && handedToVictim.size === 50) {
                  victimJob = report.job
                  killedAt = performance.now()
                  pool[0]?.kill()
                }
              } else if (report.type === 'processed') {
                count(processed, report.job)
                if (n !== 0) processedBySurvivors.add(report.job)
              } else if (report.type === 'adopted') {
                adoptions.push({
                  by: n,
                  of: report.of,
                  sessionPresent: report.sessionPresent,
                  handled: report.handled,
                })
                adoptedAt = performance.now()
              } else if (report.type === 'adopt-failed') {
                failures.push(`${report.of}: ${report.error}`)
              }
            },
          )
        }
        try {
          await Promise.all(pool.map((worker) => worker.ready))
          await using producer = await Client.connect(broker.url, { maxConcurrentOutgoingCalls: 50 })
          await Promise.all(
            Array.from({ length: total }, (_, n) =>
              producer.publish(topic, String(n), { qos, timeout: 30_000 }),
            ),
          )
          expect(await pool[0]?.exited).toEqual({ code: null, signal: 'SIGKILL' })
          const victim = victimJob ?? ''

          // Without the adoption the jobs held for worker 0's session never come: this times out.
          await until(() => processed.size === total && adoptions.length > 0, 15_000, 'every job processed')
          const adoption = adoptions[0]
          expect(failures).toEqual([])
          expect(adoptions).toHaveLength(1) // one survivor heard the will ($share), and adopted once
          expect(adoption).toMatchObject({ of: victimId, sessionPresent: true })
          // The job worker 0 died in was done by a survivor, from the adopted session.
          expect(processedBySurvivors.has(victim)).toBe(true)
          expect(adoptedJobs.has(victim)).toBe(true)
          // Every job not finished by worker 0 was done by a survivor, and nothing was lost.
          for (let n = 0; n < total; n++) expect(processed.has(String(n))).toBe(true)

          // The session is gone: connecting with worker 0's id finds none (and leaves none).
          const probe = await Client.connect(broker.url, {
            clientId: victimId,
            clean: false,
            sessionExpiryInterval: 60,
            protocolVersion: 5,
          })
          const present = probe.connack.sessionPresent
          await probe.close({ properties: { sessionExpiryInterval: 0 } })
          expect(present).toBe(false)

          let duplicates = 0
          for (const times of processed.values()) duplicates += times - 1
          console.info(
            `$share takeover on mosquitto, QoS ${qos}: ${total} jobs, ${workers} workers, worker 0 killed in job ${victim} after ${handedToVictim.size} handed to it; worker ${adoption?.by} adopted its session ${Math.round(adoptedAt - killedAt)} ms after the kill and processed ${adoption?.handled} jobs from it (${adoptedDups} resent with DUP); 0 lost, ${duplicates} processed twice`,
          )
          // A job worker 0 processed whose PUBACK/PUBREC had not left is processed again by the
          // adopter: after-processing is at least once, whatever the QoS.
          expect(duplicates).toBeLessThanOrEqual(1)
        } finally {
          for (const worker of pool) worker.kill() // the broker goes with the test: no goodbye needed
          await Promise.all(pool.map((worker) => worker.exited))
        }
      },
      30_000,
    )
  },
)
