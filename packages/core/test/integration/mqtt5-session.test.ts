import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type Message, ReasonCode, withClient } from '../../src/index.js'

/**
 * Issue 21, first half, against mosquitto: the CONNACK it sends, the will after
 * `close({ reasonCode: 0x04 })` and after `withClient` with a throwing function (and not after a
 * normal close), the Session Expiry Interval changed at DISCONNECT, per-filter SUBSCRIBE options,
 * and what leaving Subscription Identifiers out does to overlapping subscriptions.
 */

async function first(stream: AsyncIterable<Message>): Promise<Message> {
  for await (const message of stream) return message
  throw new Error('the stream ended without a message')
}

/** The texts of the next `count` messages. */
async function texts(stream: AsyncIterable<Message>, count: number): Promise<string[]> {
  const seen: string[] = []
  if (count === 0) return seen
  for await (const message of stream) {
    seen.push(message.text())
    if (seen.length === count) break
  }
  return seen
}

describe.skipIf(!mosquittoAvailable())(
  `MQTT 5 session corners against mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    /**
     * Runs `leave` with a client that has a will on a fresh topic, then publishes a marker: the
     * watcher's first message tells whether the broker published the will when the client left.
     */
    async function firstAfterLeaving(
      leave: (url: string, will: { topic: string; payload: string }) => Promise<void>,
    ) {
      await using broker = await startMosquitto()
      const topic = uniqueTopic('will')
      await using watcher = await Client.connect(broker.url)
      await using wills = watcher.messages(topic)
      await watcher.subscribe(topic, { qos: 1 })
      await leave(broker.url, { topic, payload: 'will' })
      await watcher.publish(topic, 'marker', { qos: 1 })
      return (await first(wills)).text()
    }

    it('publishes the will after close({ reasonCode: 0x04 })', async () => {
      const seen = await firstAfterLeaving(async (url, will) => {
        const client = await Client.connect(url, { will })
        await client.close({ reasonCode: ReasonCode.DisconnectWithWillMessage })
      })
      expect(seen).toBe('will')
    })

    it('does not publish the will after a normal close or await using', async () => {
      expect(
        await firstAfterLeaving(async (url, will) => {
          const client = await Client.connect(url, { will })
          await client.close()
        }),
      ).toBe('marker')
      expect(
        await firstAfterLeaving(async (url, will) => {
          const crash = new Error('crash')
          try {
            await using _client = await Client.connect(url, { will })
            throw crash
          } catch (error) {
            if (error !== crash) throw error
          }
        }),
      ).toBe('marker')
    })

    it('withClient publishes the will when fn throws, not when it resolves or with publishWillOnError: false', async () => {
      const crashing = async (
        url: string,
        will: { topic: string; payload: string },
        publishWillOnError?: boolean,
      ) => {
        await expect(
          withClient(
            { url, will },
            async () => {
              throw new Error('worker crashed')
            },
            publishWillOnError === undefined ? {} : { publishWillOnError },
          ),
        ).rejects.toThrow('worker crashed')
      }
      expect(await firstAfterLeaving((url, will) => crashing(url, will))).toBe('will')
      expect(await firstAfterLeaving((url, will) => crashing(url, will, false))).toBe('marker')
      expect(
        await firstAfterLeaving(async (url, will) => {
          await withClient({ url, will }, async () => 'done')
        }),
      ).toBe('marker')
    })

    it("shows mosquitto's CONNACK, session present on the second connection", async () => {
      await using broker = await startMosquitto()
      const clientId = `connack-${process.pid}`
      const options = { clientId, clean: false, sessionExpiryInterval: 300, keepalive: 30 }
      const firstClient = await Client.connect(broker.url, options)
      expect(firstClient.connack).toMatchObject({
        sessionPresent: false,
        reasonCode: 0,
        maximumQoS: 2,
        retainAvailable: true,
        wildcardSubscriptionAvailable: true,
        sharedSubscriptionAvailable: true,
        subscriptionIdentifiersAvailable: true,
        serverKeepAlive: 30,
        sessionExpiryInterval: 300,
      })
      expect(firstClient.connack.topicAliasMaximum).toBeGreaterThan(0)
      expect(firstClient.connack.receiveMaximum).toBeGreaterThan(0)
      await firstClient.close()
      await using second = await Client.connect(broker.url, options)
      expect(second.connack.sessionPresent).toBe(true)
    })

    it('close({ properties: { sessionExpiryInterval: 0 } }) ends the session the broker kept', async () => {
      await using broker = await startMosquitto()
      const options = { clientId: `expiry-${process.pid}`, clean: false, sessionExpiryInterval: 300 }
      const kept = await Client.connect(broker.url, options)
      await kept.close()
      const ending = await Client.connect(broker.url, options)
      expect(ending.connack.sessionPresent).toBe(true)
      await ending.close({ properties: { sessionExpiryInterval: 0 } })
      await using after = await Client.connect(broker.url, options)
      expect(after.connack.sessionPresent).toBe(false)
    })

    it('subscribes with a QoS per filter in one call and delivers each at its QoS', async () => {
      await using broker = await startMosquitto()
      await using client = await Client.connect(broker.url)
      const base = uniqueTopic('mixed')
      await using subscription = await client.subscribe([
        { filter: `${base}/two`, qos: 2 },
        { filter: `${base}/zero`, qos: 0 },
        { filter: `${base}/one`, qos: 1 },
      ])
      expect(subscription.granted.map(({ qos }) => qos)).toEqual([2, 0, 1])
      for (const name of ['two', 'zero', 'one']) await client.publish(`${base}/${name}`, name, { qos: 2 })
      const received: Array<[string, number]> = []
      for await (const message of subscription) {
        received.push([message.text(), message.qos])
        if (received.length === 3) break
      }
      expect(received.sort()).toEqual([
        ['one', 1],
        ['two', 2],
        ['zero', 0],
      ])
    })

    it('without Subscription Identifiers, a stream overlapping another subscription gets every copy mosquitto sends', async () => {
      await using broker = await startMosquitto()
      const base = uniqueTopic('overlap')
      const run = async (subscriptionIdentifiers: boolean) => {
        await using client = await Client.connect(broker.url, { subscriptionIdentifiers })
        await using wide = await client.subscribe(`${base}/#`)
        await using narrow = await client.subscribe(`${base}/a`)
        await client.publish(`${base}/a`, 'both', { qos: 1 })
        await client.publish(`${base}/b`, 'wide only', { qos: 1 })
        // mosquitto sends one copy per matching subscription: 'both' comes twice
        const copies = subscriptionIdentifiers ? 1 : 2
        const seen = { wide: await texts(wide, copies + 1), narrow: await texts(narrow, copies) }
        // 'wide only' came after every copy of 'both' (one connection keeps the order): none is left
        expect([wide.queued, narrow.queued]).toEqual([0, 0])
        return seen
      }
      const withIds = await run(true)
      expect(withIds.wide).toEqual(['both', 'wide only'])
      expect(withIds.narrow).toEqual(['both'])
      const withoutIds = await run(false)
      expect(withoutIds.wide).toEqual(['both', 'both', 'wide only'])
      expect(withoutIds.narrow).toEqual(['both', 'both'])
    })
  },
)
