import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type QoS } from '../../src/index.js'
import type { ConsumerCommand, ConsumerReport } from './crash-consumer.js'

const consumerFile = fileURLToPath(new URL('./crash-consumer.ts', import.meta.url))

/** How often each payload was handed to a consumer, and how often one finished processing it. */
interface Tally {
  handed: Map<string, number>
  processed: Map<string, number>
}

const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

/**
 * Forks crash-consumer.ts and answers each `processing` with `done`, except `killAt`: that one is
 * answered with SIGKILL, while the consumer is processing it.
 */
function startConsumer(args: string[], tally: Tally, killAt?: string) {
  const child = fork(consumerFile, args, {
    execArgv: ['--import', 'tsx', '--conditions=@await-mqtt/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }))
  const gone = exited.then(({ code, signal }) => {
    throw new Error(`the consumer exited (code ${code}, signal ${signal})`)
  })
  gone.catch(() => {})
  let onReady: () => void = () => {}
  let onEnd: () => void = () => {}
  const ready = Promise.race([new Promise<void>((resolve) => (onReady = resolve)), gone])
  const end = Promise.race([new Promise<void>((resolve) => (onEnd = resolve)), gone])
  // Awaited where needed; the killed consumer's `end` never comes.
  ready.catch(() => {})
  end.catch(() => {})
  const send = (command: ConsumerCommand) => child.send(command)
  child.on('message', (report: ConsumerReport) => {
    if (report.type === 'ready') onReady()
    else if (report.type === 'processing') {
      count(tally.handed, report.payload)
      if (report.payload === killAt) child.kill('SIGKILL')
      else send({ type: 'done', payload: report.payload })
    } else {
      count(tally.processed, report.payload)
      if (report.payload === 'end') onEnd()
    }
  })
  return { ready, end, exited, stop: () => send({ type: 'stop' }) }
}

const total = 300

/** Whether `promise` settles within `ms` (a bound for a failing run, not a wait). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  const settled = await Promise.race([promise.then(() => true), late])
  clearTimeout(timer)
  return settled
}

describe.skipIf(!mosquittoAvailable())(
  `a consumer process SIGKILLed mid-processing (mosquitto, MQTT 5, persistent session, ack: 'after-processing') ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it.each([
      // Killed after the broker read the acknowledgement of #74 (see crash-consumer.ts): the
      // messages it had not acknowledged are exactly those not processed. QoS 1 promises at least
      // once; QoS 2 that the broker's resends after a PUBREC are not delivered again.
      { qos: 1 as QoS, maxDuplicates: 1 },
      { qos: 2 as QoS, maxDuplicates: 0 },
    ])(
      `QoS $qos: ${total} messages, killed while processing #75, restarted with the same client id: none lost`,
      async ({ qos, maxDuplicates }) => {
        await using broker = await startMosquitto()
        const topic = uniqueTopic('crash')
        const args = [broker.url, topic.replaceAll('/', '-'), topic, String(qos)]
        const tally: Tally = { handed: new Map(), processed: new Map() }

        const first = startConsumer(args, tally, '75')
        await first.ready
        await using producer = await Client.connect(broker.url, { maxConcurrentOutgoingCalls: 50 })
        const publishing = (async () => {
          await Promise.all(
            Array.from({ length: total }, (_, n) =>
              producer.publish(topic, String(n), { qos, timeout: 60_000 }),
            ),
          )
          await producer.publish(topic, 'end', { qos }) // after every other: the last one a consumer gets
        })()
        publishing.catch(() => {})
        expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' })
        expect(tally.processed.has('75')).toBe(false) // killed while processing it

        const second = startConsumer(args, tally)
        await second.ready
        // The last message; if some never come, the count below says which.
        const ended = await within(second.end, 30_000)
        await publishing
        second.stop()
        await second.exited

        const lost: number[] = []
        let duplicates = 0
        let handedTwice = 0
        for (let n = 0; n < total; n++) {
          const processed = tally.processed.get(String(n)) ?? 0
          if (processed === 0) lost.push(n)
          duplicates += Math.max(0, processed - 1)
          if ((tally.handed.get(String(n)) ?? 0) > 1) handedTwice++
        }
        console.info(
          `QoS ${qos}: ${total} sent, ${total - lost.length} processed, ${lost.length} lost, ${duplicates} processed twice, ${handedTwice} handed to a consumer twice`,
        )
        expect(lost).toEqual([])
        expect(ended).toBe(true)
        expect(duplicates).toBeLessThanOrEqual(maxDuplicates)
        expect(tally.handed.get('75')).toBe(2) // the one in progress came again
      },
      90_000,
    )
  },
)
