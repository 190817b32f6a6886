import {
  mosquittoAvailable,
  mosquittoSkipReason,
  type ScriptedConnection,
  startMosquitto,
  startScriptedBroker,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import type { IPublishPacket } from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { Client, type ClientOptions, type Message, MqttValidationError } from '../../src/index.js'

const withAliases = { connack: { properties: { topicAliasMaximum: 3 } } }

/** The topic and alias of the next PUBLISH on the wire. */
async function nextPublish(connection: ScriptedConnection): Promise<[string, number | undefined]> {
  const packet = (await connection.next('publish')) as IPublishPacket
  return [packet.topic, packet.properties?.topicAlias]
}

async function take(messages: AsyncIterable<Message>, count: number): Promise<Message[]> {
  const taken: Message[] = []
  for await (const message of messages) {
    taken.push(message)
    if (taken.length === count) break
  }
  return taken
}

describe('publishing by topic alias (scripted broker)', () => {
  it.each([0, 1] as const)(
    'sends the alias alone once it was set on the connection (QoS %i)',
    async (qos) => {
      await using broker = await startScriptedBroker(withAliases)
      await using client = await Client.connect(broker.url)
      const connection = await broker.connection()
      await client.publish('sensors/1', 'one', { qos, properties: { topicAlias: 2 } })
      await client.publish('', 'two', { qos, properties: { topicAlias: 2 } })
      await client.publish('sensors/1', 'three', { qos, properties: { topicAlias: 2 } })
      expect(await nextPublish(connection)).toEqual(['sensors/1', 2])
      expect(await nextPublish(connection)).toEqual(['', 2])
      expect(await nextPublish(connection)).toEqual(['', 2])
    },
  )

  it('refuses an alias-only publish whose alias was never set, before sending, and stays usable', async () => {
    await using broker = await startScriptedBroker(withAliases)
    await using client = await Client.connect(broker.url)
    const connection = await broker.connection()
    const refused = client.publish('', 'x', { properties: { topicAlias: 1 } })
    await expect(refused).rejects.toThrow(MqttValidationError)
    await expect(refused).rejects.toMatchObject({ field: 'properties.topicAlias' })
    await expect(client.publish('', 'x')).rejects.toMatchObject({ field: 'topic' })
    await expect(client.publish('', 'x', { properties: { topicAlias: 4 } })).rejects.toMatchObject({
      field: 'properties.topicAlias',
    })
    await client.publish('after', 'ok')
    expect(await nextPublish(connection)).toEqual(['after', undefined])
  })

  it("topicAliases: 'auto' gives repeated topics aliases within the broker's maximum", async () => {
    await using broker = await startScriptedBroker({ connack: { properties: { topicAliasMaximum: 2 } } })
    await using client = await Client.connect(broker.url, { topicAliases: 'auto' })
    const connection = await broker.connection()
    for (const topic of ['a', 'a', 'b', 'a', 'c', 'b']) await client.publish(topic, 'x', { qos: 1 })
    const wire = []
    for (let i = 0; i < 6; i++) wire.push(await nextPublish(connection))
    expect(wire).toEqual([
      ['a', 1],
      ['', 1],
      ['b', 2],
      ['', 1],
      ['c', 2],
      ['b', 1],
    ])
  })

  it("topicAliases: 'auto' sends no alias to a broker that takes none", async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { topicAliases: 'auto' })
    const connection = await broker.connection()
    await client.publish('a', 'x')
    await client.publish('a', 'x')
    expect(await nextPublish(connection)).toEqual(['a', undefined])
    expect(await nextPublish(connection)).toEqual(['a', undefined])
  })

  it('forgets the aliases when the connection drops: they are set again after reconnecting', async () => {
    await using broker = await startScriptedBroker(withAliases)
    const options: ClientOptions = { topicAliases: 'auto', reconnect: { minDelay: 10, maxDelay: 10 } }
    await using client = await Client.connect(broker.url, options)
    await using events = client.events()
    const first = await broker.connection(0)
    await client.publish('a', 'x')
    await client.publish('b', 'x', { properties: { topicAlias: 3 } })
    expect(await nextPublish(first)).toEqual(['a', 1])
    expect(await nextPublish(first)).toEqual(['b', 3])
    first.destroy()
    for await (const event of events) if (event.type === 'connected') break
    const second = await broker.connection(1)
    await expect(client.publish('', 'x', { properties: { topicAlias: 3 } })).rejects.toThrow(
      MqttValidationError,
    )
    await client.publish('a', 'x')
    await client.publish('a', 'x')
    expect(await nextPublish(second)).toEqual(['a', 1])
    expect(await nextPublish(second)).toEqual(['', 1])
  })
})

describe.skipIf(!mosquittoAvailable())(
  `publishing by topic alias on mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('delivers alias-only publishes under their topic (explicit aliases)', async () => {
      await using broker = await startMosquitto({ websocket: false, extraConfig: 'max_topic_alias 4\n' })
      const topic = uniqueTopic('alias-explicit')
      await using subscriber = await Client.connect(broker.url)
      await using messages = await subscriber.subscribe(topic, { qos: 1 })
      await using publisher = await Client.connect(broker.url)
      await publisher.publish(topic, 'one', { qos: 1, properties: { topicAlias: 4 } })
      await publisher.publish('', 'two', { qos: 1, properties: { topicAlias: 4 } })
      await publisher.publish('', 'three', { qos: 0, properties: { topicAlias: 4 } })
      const received = await take(messages, 3)
      expect(received.map((message) => [message.topic.value, message.text()])).toEqual([
        [topic, 'one'],
        [topic, 'two'],
        [topic, 'three'],
      ])
      expect(publisher.connected).toBe(true)
    })

    it("delivers every publish under its topic with topicAliases: 'auto', past the alias maximum", async () => {
      await using broker = await startMosquitto({ websocket: false, extraConfig: 'max_topic_alias 2\n' })
      const prefix = uniqueTopic('alias-auto')
      await using subscriber = await Client.connect(broker.url)
      await using messages = await subscriber.subscribe(`${prefix}/#`, { qos: 1 })
      await using publisher = await Client.connect(broker.url, { topicAliases: 'auto' })
      const topics = ['a', 'a', 'b', 'c', 'a', 'b', 'b'].map((name) => `${prefix}/${name}`)
      for (const [index, topic] of topics.entries()) await publisher.publish(topic, `${index}`, { qos: 1 })
      const received = await take(messages, topics.length)
      expect(received.map((message) => message.topic.value)).toEqual(topics)
      expect(received.map((message) => message.text())).toEqual(topics.map((_, index) => `${index}`))
      expect(publisher.connected).toBe(true)
    })
  },
)
