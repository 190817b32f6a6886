import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type Message, MqttCodeError, ReasonCode } from '../../src/index.js'
import { denySubscribeConfig, dynsecPlugin } from './dynsec.js'
import { startForwarder } from './forwarder.js'

async function first(stream: AsyncIterable<Message>): Promise<Message> {
  for await (const message of stream) return message
  throw new Error('the stream ended without a message')
}

describe.skipIf(!mosquittoAvailable())(
  `Client against mosquitto (MQTT 5) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it.each([0, 1, 2] as const)('speaks MQTT 5 and round-trips QoS %i', async (qos) => {
      await using broker = await startMosquitto()
      await using client = await Client.connect(broker.url)
      expect(client.protocolVersion).toBe(5)
      const topic = uniqueTopic('mqtt5-qos')
      await using subscription = await client.subscribe(topic, { qos })
      expect(subscription.granted[0]?.qos).toBe(qos)
      await client.publish(topic, new Uint8Array([1, 2, 3]), { qos })
      const message = await first(subscription)
      expect([...message.payload]).toEqual([1, 2, 3])
      expect(message.qos).toBe(qos)
    })

    it('round-trips MQTT 5 user properties and other publish properties', async () => {
      await using broker = await startMosquitto()
      await using client = await Client.connect(broker.url)
      const topic = uniqueTopic('props')
      await using messages = client.messages(topic)
      await client.subscribe(topic, { qos: 1 })
      await client.publish(topic, '{"a":1}', {
        qos: 1,
        properties: {
          userProperties: { origin: 'test', tags: ['x', 'y'] },
          contentType: 'application/json',
          responseTopic: `${topic}/reply`,
          correlationData: new Uint8Array([9, 8]),
        },
      })
      const message = await first(messages)
      expect(message.json()).toEqual({ a: 1 })
      expect(message.properties.userProperties).toEqual({ origin: 'test', tags: ['x', 'y'] })
      expect(message.properties.contentType).toBe('application/json')
      expect(message.properties.responseTopic).toBe(`${topic}/reply`)
      expect([...(message.properties.correlationData ?? [])]).toEqual([9, 8])
    })

    it('a stream created before subscribe gets the retained message', async () => {
      await using broker = await startMosquitto()
      const topic = uniqueTopic('retained')
      {
        await using publisher = await Client.connect(broker.url)
        await publisher.publish(topic, 'last value', { qos: 1, retain: true })
      }
      await using client = await Client.connect(broker.url)
      await using messages = client.messages()
      await client.subscribe(topic, { qos: 1 })
      const message = await first(messages)
      expect(message.text()).toBe('last value')
      expect(message.retain).toBe(true)
    })

    it('delivers the will to another client when the connection drops abruptly', async () => {
      await using broker = await startMosquitto()
      const topic = uniqueTopic('will')
      await using watcher = await Client.connect(broker.url)
      await using wills = watcher.messages(topic)
      await watcher.subscribe(topic, { qos: 1 })
      const forwarder = await startForwarder(broker.port)
      await using doomed = await Client.connect(forwarder.url, {
        will: { topic, payload: 'gone', qos: 1, properties: { userProperties: { why: 'crash' } } },
      })
      expect(doomed.connected).toBe(true)
      forwarder.cut()
      const will = await first(wills)
      expect(will.text()).toBe('gone')
      expect(will.properties.userProperties).toEqual({ why: 'crash' })
    })

    it('does not publish the will after a graceful close', async () => {
      await using broker = await startMosquitto()
      const topic = uniqueTopic('no-will')
      await using watcher = await Client.connect(broker.url)
      await using wills = watcher.messages(topic)
      await watcher.subscribe(topic, { qos: 1 })
      const client = await Client.connect(broker.url, { will: { topic, payload: 'gone' } })
      await client.close()
      await watcher.publish(topic, 'marker', { qos: 1 })
      expect((await first(wills)).text()).toBe('marker')
    })

    it.skipIf(dynsecPlugin === undefined)(
      'a refused subscription rejects with MqttCodeError 0x87 and leaves the client usable',
      async () => {
        await using broker = await startMosquitto({ extraConfig: await denySubscribeConfig(['forbidden/#']) })
        await using client = await Client.connect(broker.url)
        const error = await client.subscribe('forbidden/#').catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(MqttCodeError)
        expect((error as MqttCodeError).reasonCode).toBe(ReasonCode.NotAuthorized)
        expect((error as MqttCodeError).reasonName).toBe('Not Authorized')
        expect((error as MqttCodeError).message).toContain('forbidden/#')
        await using subscription = await client.subscribe('allowed/x', { qos: 1 })
        await client.publish('allowed/x', 'ok', { qos: 1 })
        expect((await first(subscription)).text()).toBe('ok')
      },
    )

    it('a publish refused by the ACL rejects with MqttCodeError (PUBACK reason code)', async () => {
      await using broker = await startMosquitto({
        users: { alice: 'pw' },
        acl: 'user alice\ntopic readwrite allowed/#\ntopic read readonly/#\n',
      })
      await using client = await Client.connect(broker.url, { username: 'alice', password: 'pw' })
      const error = await client.publish('readonly/x', 'no', { qos: 1 }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(MqttCodeError)
      expect((error as MqttCodeError).reasonCode).toBe(ReasonCode.NotAuthorized)
      await client.publish('allowed/x', 'yes', { qos: 1 })
    })

    it.skipIf(dynsecPlugin === undefined)(
      'a partly refused subscribe rejects and the granted filter is undone',
      async () => {
        await using broker = await startMosquitto({ extraConfig: await denySubscribeConfig(['forbidden/#']) })
        await using client = await Client.connect(broker.url)
        await expect(client.subscribe(['allowed/a', 'forbidden/a'])).rejects.toBeInstanceOf(MqttCodeError)
        await using rest = client.messages()
        await using subscription = await client.subscribe('allowed/b', { qos: 1 })
        await client.publish('allowed/a', 'not for us', { qos: 1 })
        await client.publish('allowed/b', 'for us', { qos: 1 })
        expect((await first(subscription)).text()).toBe('for us')
        expect((await first(rest)).text()).toBe('for us')
      },
    )

    it('shared subscriptions split the messages across two clients', async () => {
      await using broker = await startMosquitto()
      const topic = uniqueTopic('shared')
      const filter = `$share/workers/${topic}/#`
      await using workerA = await Client.connect(broker.url)
      await using workerB = await Client.connect(broker.url)
      await using jobsA = await workerA.subscribe(filter, { qos: 1 })
      await using jobsB = await workerB.subscribe(filter, { qos: 1 })
      await using streamA = workerA.messages(filter)
      await using publisher = await Client.connect(broker.url)
      const count = 20
      for (let n = 0; n < count; n++) await publisher.publish(`${topic}/job`, String(n), { qos: 1 })
      const received: string[] = []
      const seen = { a: 0, b: 0 }
      const collect = async (subscription: AsyncIterable<Message>, who: 'a' | 'b') => {
        for await (const message of subscription) {
          received.push(message.text())
          seen[who]++
          if (received.length === count) break
        }
      }
      const done = Promise.race([collect(jobsA, 'a'), collect(jobsB, 'b')])
      await done
      expect(received.sort((x, y) => Number(x) - Number(y))).toEqual(
        Array.from({ length: count }, (_, n) => String(n)),
      )
      expect(seen.a).toBeGreaterThan(0)
      expect(seen.b).toBeGreaterThan(0)
      expect(streamA.queued).toBe(seen.a)
    })

    it('noLocal keeps a client from receiving its own messages', async () => {
      await using broker = await startMosquitto()
      const topic = uniqueTopic('nolocal')
      await using client = await Client.connect(broker.url)
      await using other = await Client.connect(broker.url)
      await using subscription = await client.subscribe(topic, { qos: 1, noLocal: true })
      await client.publish(topic, 'mine', { qos: 1 })
      await other.publish(topic, 'theirs', { qos: 1 })
      expect((await first(subscription)).text()).toBe('theirs')
    })
  },
)
