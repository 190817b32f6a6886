import { setTimeout as sleep } from 'node:timers/promises'
import type { MosquittoBroker } from '@await-mqtt/test-utils'
import { uniqueTopic } from '@await-mqtt/test-utils'
import { Client, type ConnectionEvent, type QoS } from '../../src/index.js'

/** What a no-loss run saw. */
export interface NoLossRun {
  sent: number
  /** Distinct message ids received. */
  distinct: number
  /** Messages received more than once. */
  duplicates: number
  /** Ids never received. */
  missing: number[]
  seconds: number
  subscriberEvents: string[]
  publisherEvents: string[]
}

function describeEvent(event: ConnectionEvent): string {
  if (event.type === 'connected') return `connected(sessionPresent=${event.sessionPresent})`
  if (event.type === 'reconnecting') return `reconnecting(${event.attempt})`
  return event.type
}

/**
 * A persistent-session subscriber (clean: false, fixed client id, session expiry) and a publisher,
 * both with `reconnect` on; `count` messages at `qos`; `crash` takes the broker down when half of
 * them were received (SIGKILL or SIGTERM) and starts it again on the same port. Waits until every
 * id arrived (or `settleMs` passed without progress).
 */
export async function noLossRun(
  broker: MosquittoBroker,
  {
    count,
    qos,
    crash,
    settleMs = 15_000,
  }: { count: number; qos: QoS; crash: 'kill' | 'stop'; settleMs?: number },
): Promise<NoLossRun> {
  const topic = uniqueTopic('no-loss')
  const reconnect = { minDelay: 50, maxDelay: 500 }
  const session = { clean: false, sessionExpiryInterval: 600, reconnect, timeout: 20_000 }
  const id = topic.replaceAll('/', '-')
  await using subscriber = await Client.connect(broker.url, { ...session, clientId: `${id}-sub` })
  await using subscription = await subscriber.subscribe(topic, { qos })
  await using publisher = await Client.connect(broker.url, {
    ...session,
    clientId: `${id}-pub`,
    maxConcurrentOutgoingCalls: 50, // below mosquitto's receive maximum (max_inflight_messages 100)
  })
  const subscriberEvents: string[] = []
  const publisherEvents: string[] = []
  const watch = async (client: Client, into: string[]) => {
    for await (const event of client.events()) into.push(describeEvent(event))
  }
  const watching = [watch(subscriber, subscriberEvents), watch(publisher, publisherEvents)]
  await broker.saved() // the sessions and the subscription are on disk now: a SIGKILL keeps them

  const started = Date.now()
  const seen = new Map<number, number>()
  let crashed: Promise<void> | undefined
  let lastProgress = Date.now()
  const reading = (async () => {
    for await (const message of subscription) {
      const n = Number(message.text())
      seen.set(n, (seen.get(n) ?? 0) + 1)
      lastProgress = Date.now()
      if (crashed === undefined && seen.size >= count / 2) {
        crashed = (async () => {
          await (crash === 'kill' ? broker.kill() : broker.stop())
          await broker.start()
        })()
      }
      if (seen.size === count) return
    }
  })()
  const publishing = Promise.all(
    Array.from({ length: count }, (_, n) => publisher.publish(topic, String(n), { qos, timeout: 120_000 })),
  )
  publishing.catch(() => {})
  await publishing
  while (seen.size < count && Date.now() - lastProgress < settleMs) await sleep(50)
  const seconds = (Date.now() - started) / 1000
  await crashed
  await subscriber.close()
  await publisher.close()
  await reading.catch(() => {})
  await Promise.all(watching)
  const missing: number[] = []
  for (let n = 0; n < count; n++) if (!seen.has(n)) missing.push(n)
  let duplicates = 0
  for (const times of seen.values()) duplicates += times - 1
  return { sent: count, distinct: seen.size, duplicates, missing, seconds, subscriberEvents, publisherEvents }
}
