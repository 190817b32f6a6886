import { setTimeout as sleep } from 'node:timers/promises'
import { redisAvailable, redisSkipReason, startAedesCluster, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type ConnectionEvent, type QoS } from '../../src/index.js'

const count = 10_000
/** A quick reconnect that queues every publish made while it is away (the default queues 1,000). */
const fast = { minDelay: 20, maxDelay: 200, jitter: 0, maxQueuedPublishes: count }
/** How many of the second half are acknowledged when node 0 is killed: the stream is flowing. */
const killAfter = 200

/**
 * Which clients are on the node that is killed (node 0): `subscriber` has the cluster's three
 * addresses and a persistent session and moves to node 1, while the publisher stays on node 2;
 * `publisher` the other way round; `both` is one client publishing to its own subscription.
 */
type Moving = 'subscriber' | 'publisher' | 'both'

/**
 * Publishes `count` messages: half, and once they came back the other half, during which node 0 is
 * SIGKILLed (after {@link killAfter} of them were acknowledged, with up to 100 more in flight and
 * the rest queued in the client). Every message the cluster acknowledged must still arrive;
 * duplicates are counted.
 */
async function run(qos: QoS, moving: Moving) {
  await using cluster = await startAedesCluster({ nodes: 3 })
  const [, , node2 = ''] = cluster.urls
  const topic = uniqueTopic(`cluster/failover/qos${qos}`)
  const id = topic.replaceAll('/', '-')
  const session = { clean: false, reconnect: fast, timeout: 20_000, maxConcurrentOutgoingCalls: 100 }
  const targets = (moves: boolean) => (moves ? [...cluster.urls] : [node2])
  await using subscriber = await Client.connect(targets(moving !== 'publisher'), {
    ...session,
    clientId: `${id}-sub`,
  })
  await using other =
    moving === 'both'
      ? undefined
      : await Client.connect(targets(moving === 'publisher'), { ...session, clientId: `${id}-pub` })
  const publisher = other ?? subscriber
  const moved = moving === 'publisher' ? publisher : subscriber
  expect(moved.server).toBe(cluster.urls[0])
  const events: ConnectionEvent[] = []
  const watching = (async () => {
    for await (const event of moved.events()) events.push(event)
  })()
  await using subscription = await subscriber.subscribe(topic, { qos })

  const seen = new Map<number, number>()
  let lastProgress = Date.now()
  let halfReceived: () => void = () => {}
  const half = new Promise<void>((resolve) => {
    halfReceived = resolve
  })
  const reading = (async () => {
    for await (const message of subscription) {
      const n = Number(message.text())
      seen.set(n, (seen.get(n) ?? 0) + 1)
      lastProgress = Date.now()
      if (seen.size >= count / 2) halfReceived()
      if (seen.size === count) return
    }
  })()
  const acknowledged = new Set<number>()
  const refused: string[] = []
  let flowing: () => void = () => {}
  const secondHalfFlowing = new Promise<void>((resolve) => {
    flowing = resolve
  })
  const publishRange = (from: number, to: number) =>
    Promise.all(
      Array.from({ length: to - from }, (_, i) =>
        publisher.publish(topic, String(from + i), { qos, timeout: 60_000 }).then(
          () => {
            acknowledged.add(from + i)
            if (acknowledged.size >= count / 2 + killAfter) flowing()
          },
          (error: unknown) => refused.push(`${from + i}: ${String(error)}`),
        ),
      ),
    )
  // Half the messages, then node 0 dies while the rest are being published and delivered: the
  // kill lands mid-stream on both sides, whatever the speed (killing on a count of received
  // messages raced a fast broker that had already delivered everything; killing between the
  // halves left no publish in flight).
  await publishRange(0, count / 2)
  await half
  const secondHalf = publishRange(count / 2, count)
  await secondHalfFlowing
  const unsettledAtKill = count - acknowledged.size - refused.length
  const killed = cluster.kill(0)
  await killed
  await secondHalf
  // Every acknowledged message is on its way: wait for it, bounded by a pause in progress.
  while (seen.size < count && Date.now() - lastProgress < 10_000) await sleep(50)
  await killed
  await subscriber.close()
  await other?.close()
  await reading.catch(() => {})
  await watching

  const lost = [...acknowledged].filter((n) => !seen.has(n))
  let duplicates = 0
  for (const times of seen.values()) duplicates += times - 1
  const servers = events.filter((event) => event.type === 'connected').map((event) => event.server)
  console.info(
    `aedes cluster, QoS ${qos}, ${moving} on the killed node: ${count} published, ${unsettledAtKill} unsettled at the kill, ${acknowledged.size} acknowledged, ${refused.length} refused, ${seen.size} received, ${lost.length} lost (${lost.slice(0, 3)}…), ${duplicates} duplicates; moved to ${servers}`,
  )
  return { killed, refused, lost, seen, servers, events, cluster, unsettledAtKill }
}

describe.skipIf(!redisAvailable())(
  `an aedes cluster over Redis loses the node a client is on (SIGKILL) ${redisAvailable() ? '' : redisSkipReason}`,
  () => {
    // With the publisher on the killed node, aedes 1.2 on its own loses publishes it acknowledged
    // (QoS 1: PUBACK before the message is in Redis; QoS 2: a stored but unpublished PUBLISH taken
    // for a duplicate by the next node). The cluster's nodes order "in Redis" before "acknowledged"
    // (test-utils' aedes-acknowledge-after-publish.ts): these cases check that it holds.
    it.each([
      { qos: 1 as QoS, moving: 'subscriber' as Moving },
      { qos: 2 as QoS, moving: 'subscriber' as Moving },
      { qos: 1 as QoS, moving: 'publisher' as Moving },
      { qos: 2 as QoS, moving: 'publisher' as Moving },
      { qos: 1 as QoS, moving: 'both' as Moving },
      { qos: 2 as QoS, moving: 'both' as Moving },
    ])(
      `QoS $qos, the $moving on the killed node: ${count} messages, it fails over, none acknowledged is lost`,
      async ({ qos, moving }) => {
        const { killed, refused, lost, seen, servers, events, cluster, unsettledAtKill } = await run(
          qos,
          moving,
        )
        expect(killed).toBeDefined()
        // the kill landed mid-stream: publishes were still in flight or queued
        expect(unsettledAtKill).toBeGreaterThan(0)
        expect(refused).toEqual([])
        expect(lost).toEqual([])
        expect(seen.size).toBe(count)
        // It moved to a surviving node of its list, with the session the cluster kept (aedes says a
        // session is present only when it has subscriptions: not for the publisher alone). Node 1
        // is tried first; under load the client can end on node 2 (seen once in CI): a connection
        // attempt that fails (aedes may send a resumed session a live PUBLISH before its CONNACK, a
        // protocol error) moves it on to the next node of the list.
        expect(servers.length).toBeGreaterThan(0)
        for (const server of servers) expect(cluster.urls.slice(1)).toContain(server)
        const resumed = events.every((event) => event.type !== 'connected' || event.sessionPresent)
        expect(resumed).toBe(moving !== 'publisher')
      },
      120_000,
    )
  },
)
