import { type ScriptedConnection, startScriptedBroker } from '@await-mqtt/test-utils'
import type { IDisconnectPacket, IPublishPacket, ISubscribePacket } from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { Client, MqttValidationError, ReasonCode, withClient } from '../../src/index.js'
import { nextEvent } from '../reliability/helpers.js'

/**
 * Issue 21, first half, on the wire: the CONNACK as `client.connack`, DISCONNECT reason codes and
 * properties from `close()` and `withClient`, per-filter SUBSCRIBE options in one packet, and
 * SUBSCRIBEs without Subscription Identifiers. The scripted broker shows exactly what was sent.
 */

async function refusal(run: () => unknown): Promise<MqttValidationError> {
  try {
    await run()
  } catch (error) {
    if (error instanceof MqttValidationError) return error
    throw new Error(`expected an MqttValidationError, got ${String(error)}`, { cause: error })
  }
  throw new Error('expected an MqttValidationError, but the call succeeded')
}

/** The packets the client sent after CONNECT, by command. */
function sent(connection: ScriptedConnection, cmd: string) {
  return connection.received.filter((packet) => packet.cmd === cmd)
}

const fullConnack = {
  sessionPresent: true,
  reasonCode: 0,
  properties: {
    sessionExpiryInterval: 120,
    receiveMaximum: 7,
    maximumQoS: 1 as const,
    retainAvailable: false,
    maximumPacketSize: 4096,
    assignedClientIdentifier: 'given-by-broker',
    topicAliasMaximum: 5,
    reasonString: 'welcome',
    userProperties: { region: 'eu', tags: ['a', 'b'] },
    wildcardSubscriptionAvailable: false,
    subscriptionIdentifiersAvailable: false,
    sharedSubscriptionAvailable: false,
    serverKeepAlive: 15,
    responseInformation: 'replies/here',
    serverReference: 'other.broker:1883',
  },
}

describe('client.connack', () => {
  it('shows every CONNACK field and property the broker sent', async () => {
    await using broker = await startScriptedBroker({ connack: fullConnack })
    await using client = await Client.connect(broker.url, {
      clean: false,
      sessionExpiryInterval: 600,
      properties: { requestResponseInformation: true },
    })
    expect(client.connack).toEqual({
      sessionPresent: true,
      reasonCode: 0,
      sessionExpiryInterval: 120,
      receiveMaximum: 7,
      maximumQoS: 1,
      retainAvailable: false,
      maximumPacketSize: 4096,
      assignedClientIdentifier: 'given-by-broker',
      topicAliasMaximum: 5,
      reasonString: 'welcome',
      userProperties: { region: 'eu', tags: ['a', 'b'] },
      wildcardSubscriptionAvailable: false,
      subscriptionIdentifiersAvailable: false,
      sharedSubscriptionAvailable: false,
      serverKeepAlive: 15,
      responseInformation: 'replies/here',
      serverReference: 'other.broker:1883',
    })
    expect(Object.isFrozen(client.connack)).toBe(true)
  })

  it("gives MQTT 5's defaults for what the CONNACK leaves out", async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { keepalive: 42 })
    expect(client.connack).toEqual({
      sessionPresent: false,
      reasonCode: 0,
      sessionExpiryInterval: 0,
      receiveMaximum: 65_535,
      maximumQoS: 2,
      retainAvailable: true,
      maximumPacketSize: undefined,
      assignedClientIdentifier: undefined,
      topicAliasMaximum: 0,
      reasonString: undefined,
      userProperties: {},
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: true,
      sharedSubscriptionAvailable: true,
      serverKeepAlive: 42,
      responseInformation: undefined,
      serverReference: undefined,
    })
  })

  it('under MQTT 3.1.1 shows session present and the defaults', async () => {
    await using broker = await startScriptedBroker({ connack: { sessionPresent: true } })
    await using client = await Client.connect(broker.url, { protocolVersion: 4, clean: false })
    expect(client.connack.sessionPresent).toBe(true)
    expect(client.connack.receiveMaximum).toBe(65_535)
    expect(client.connack.maximumQoS).toBe(2)
  })

  it('is replaced on each reconnection and carried by the connected event', async () => {
    await using broker = await startScriptedBroker({
      connack: (_connect, n) =>
        n === 0
          ? { properties: { receiveMaximum: 10, reasonString: 'first' } }
          : { sessionPresent: true, properties: { receiveMaximum: 3, reasonString: 'second' } },
    })
    await using client = await Client.connect(broker.url, {
      clean: false,
      sessionExpiryInterval: 60,
      reconnect: { minDelay: 10, maxDelay: 50, jitter: 0 },
    })
    await using events = client.events()
    expect(client.connack).toMatchObject({ sessionPresent: false, receiveMaximum: 10, reasonString: 'first' })
    ;(await broker.connection(0)).destroy()
    const connected = await nextEvent(events, 'connected')
    expect(connected.connack).toMatchObject({
      sessionPresent: true,
      receiveMaximum: 3,
      reasonString: 'second',
    })
    expect(client.connack).toBe(connected.connack)
  })
})

describe('close({ reasonCode, properties })', () => {
  it('sends the reason code and properties in the DISCONNECT', async () => {
    await using broker = await startScriptedBroker()
    const client = await Client.connect(broker.url, { clean: false, sessionExpiryInterval: 300 })
    const connection = await broker.connection()
    await client.close({
      reasonCode: ReasonCode.DisconnectWithWillMessage,
      properties: { sessionExpiryInterval: 0, reasonString: 'bye', userProperties: { why: 'test' } },
    })
    const [disconnect] = sent(connection, 'disconnect') as IDisconnectPacket[]
    expect(disconnect?.reasonCode).toBe(0x04)
    expect(disconnect?.properties).toEqual({
      sessionExpiryInterval: 0,
      reasonString: 'bye',
      userProperties: { why: 'test' },
    })
  })

  it('sends a normal DISCONNECT without options, and from await using', async () => {
    await using broker = await startScriptedBroker()
    {
      await using _client = await Client.connect(broker.url)
    }
    const [disconnect] = sent(await broker.connection(0), 'disconnect') as IDisconnectPacket[]
    expect(disconnect?.reasonCode ?? 0).toBe(0)
    expect(disconnect?.properties).toBeUndefined()
  })

  it.each([
    ['a server-only reason code (0x8B Server shutting down)', { reasonCode: 0x8b }, 'reasonCode'],
    ['a success code that is not a DISCONNECT one (0x01)', { reasonCode: 0x01 }, 'reasonCode'],
    ['a reason code that is not a number', { reasonCode: '4' }, 'reasonCode'],
    [
      'a non-zero sessionExpiryInterval after connecting with 0',
      { properties: { sessionExpiryInterval: 60 } },
      'properties.sessionExpiryInterval',
    ],
    [
      'a negative sessionExpiryInterval',
      { properties: { sessionExpiryInterval: -1 } },
      'properties.sessionExpiryInterval',
    ],
    [
      'serverReference (a server-only property)',
      { properties: { serverReference: 'x' } },
      'properties.serverReference',
    ],
    ['a reasonString with U+0000', { properties: { reasonString: 'a\u0000' } }, 'properties.reasonString'],
    [
      'user properties that are not strings',
      { properties: { userProperties: { a: 1 } } },
      'properties.userProperties.a',
    ],
  ])('refuses %s with MqttValidationError; the client stays open', async (_label, options, field) => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url)
    const connection = await broker.connection()
    const error = await refusal(() => client.close(options as never))
    expect(error.field).toBe(field)
    expect(client.closed).toBe(false)
    await client.publish('still/usable', 'yes', { qos: 1 })
    expect(((await connection.next('publish')) as IPublishPacket).topic).toBe('still/usable')
    await client.close()
    expect(sent(connection, 'disconnect')).toHaveLength(1)
  })

  it('refuses reason codes and properties under MQTT 3.1.1, but accepts 0', async () => {
    await using broker = await startScriptedBroker()
    const client = await Client.connect(broker.url, { protocolVersion: 4 })
    expect((await refusal(() => client.close({ reasonCode: 0x04 }))).field).toBe('reasonCode')
    expect((await refusal(() => client.close({ properties: { reasonString: 'x' } }))).field).toBe(
      'properties',
    )
    await client.close({ reasonCode: 0 })
    expect(sent(await broker.connection(), 'disconnect')).toHaveLength(1)
  })

  it('lowers a non-zero Session Expiry Interval to another non-zero one', async () => {
    await using broker = await startScriptedBroker()
    const client = await Client.connect(broker.url, { clean: false, sessionExpiryInterval: 300 })
    await client.close({ properties: { sessionExpiryInterval: 30 } })
    const [disconnect] = sent(await broker.connection(), 'disconnect') as IDisconnectPacket[]
    expect(disconnect?.properties?.sessionExpiryInterval).toBe(30)
  })
})

describe('withClient and the will', () => {
  it('closes with 0x04 (Disconnect with Will Message) when fn throws', async () => {
    await using broker = await startScriptedBroker()
    const failure = new Error('worker crashed')
    await expect(
      withClient(broker.url, async () => {
        throw failure
      }),
    ).rejects.toBe(failure)
    const [disconnect] = sent(await broker.connection(), 'disconnect') as IDisconnectPacket[]
    expect(disconnect?.reasonCode).toBe(0x04)
  })

  it('closes normally when fn resolves, and when publishWillOnError is false', async () => {
    await using broker = await startScriptedBroker()
    expect(await withClient(broker.url, async () => 1)).toBe(1)
    await expect(
      withClient(
        broker.url,
        async () => {
          throw new Error('crash')
        },
        { publishWillOnError: false },
      ),
    ).rejects.toThrow('crash')
    for (const n of [0, 1]) {
      const [disconnect] = sent(await broker.connection(n), 'disconnect') as IDisconnectPacket[]
      expect(disconnect?.reasonCode ?? 0, `connection ${n}`).toBe(0)
    }
  })

  it('closes normally under MQTT 3.1.1 even when fn throws (no reason codes there)', async () => {
    await using broker = await startScriptedBroker()
    await expect(
      withClient({ url: broker.url, protocolVersion: 4 }, async () => {
        throw new Error('crash')
      }),
    ).rejects.toThrow('crash')
    expect(sent(await broker.connection(), 'disconnect')).toHaveLength(1)
  })

  it('refuses a publishWillOnError that is not a boolean before connecting', async () => {
    await using broker = await startScriptedBroker()
    const error = await refusal(() =>
      withClient(broker.url, async () => 1, { publishWillOnError: 'yes' as never }),
    )
    expect(error.field).toBe('publishWillOnError')
    expect(broker.connections).toHaveLength(0)
  })
})

describe('subscribe([{ filter, qos, noLocal, retainAsPublished, retainHandling }, ...])', () => {
  it('sends per-filter options in one SUBSCRIBE and reports what was granted per filter', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url)
    const connection = await broker.connection()
    await using subscription = await client.subscribe(
      [
        { filter: 'TopicA', qos: 2, retainHandling: 2 },
        { filter: 'TopicA/B', qos: 0, noLocal: true },
        'Topic/C',
        { filter: 'Topic/D', retainAsPublished: true },
      ],
      { qos: 1 },
    )
    const subscribes = sent(connection, 'subscribe') as ISubscribePacket[]
    expect(subscribes).toHaveLength(1)
    expect(subscribes[0]?.subscriptions).toEqual([
      { topic: 'TopicA', qos: 2, nl: false, rap: false, rh: 2 },
      { topic: 'TopicA/B', qos: 0, nl: true, rap: false, rh: 0 },
      { topic: 'Topic/C', qos: 1, nl: false, rap: false, rh: 0 },
      { topic: 'Topic/D', qos: 1, nl: false, rap: true, rh: 0 },
    ])
    expect(subscription.filters).toEqual(['TopicA', 'TopicA/B', 'Topic/C', 'Topic/D'])
    expect(subscription.granted.map(({ filter, qos }) => [filter, qos])).toEqual([
      ['TopicA', 2],
      ['TopicA/B', 0],
      ['Topic/C', 1],
      ['Topic/D', 1],
    ])
  })

  it('sends per-filter QoS under MQTT 3.1.1 too', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { protocolVersion: 4 })
    const connection = await broker.connection()
    await client.subscribe([
      { filter: 'a', qos: 2 },
      { filter: 'b', qos: 0 },
    ])
    const subscribes = sent(connection, 'subscribe') as ISubscribePacket[]
    expect(subscribes.map((packet) => packet.subscriptions)).toEqual([
      [
        { topic: 'a', qos: 2 },
        { topic: 'b', qos: 0 },
      ],
    ])
  })

  it('sends the same per-filter options, and no identifier when left out, after a reconnection', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, {
      reconnect: { minDelay: 10, maxDelay: 50, jitter: 0 },
    })
    await using events = client.events()
    await using subscription = await client.subscribe(
      [{ filter: 'a', qos: 2, retainHandling: 1 }, { filter: 'b', noLocal: true }, 'c/#'],
      { qos: 1, subscriptionIdentifiers: false },
    )
    const [before] = sent(await broker.connection(0), 'subscribe') as ISubscribePacket[]
    ;(await broker.connection(0)).destroy()
    await nextEvent(events, 'connected')
    const again = (await (await broker.connection(1)).next('subscribe')) as ISubscribePacket
    expect(again.subscriptions).toEqual(before?.subscriptions)
    expect(again.subscriptions.map(({ qos, nl, rh }) => [qos, nl, rh])).toEqual([
      [2, false, 1],
      [1, true, 0],
      [1, false, 0],
    ])
    expect(again.properties?.subscriptionIdentifier).toBeUndefined()
    expect(subscription.granted).toHaveLength(3)
  })

  it.each([
    ['an unknown key', [{ filter: 'a', qoss: 1 }], 'filters[0].qoss'],
    ['a bad per-filter QoS', ['x', { filter: 'a', qos: 3 }], 'filters[1].qos'],
    ['a bad retainHandling', [{ filter: 'a', retainHandling: 3 }], 'filters[0].retainHandling'],
    ['noLocal on a shared subscription', [{ filter: '$share/g/a', noLocal: true }], 'filters[0].noLocal'],
    ['a filter that is not a string', [{ filter: 7 }], 'filter'],
    ['the same filter twice', [{ filter: 'a' }, 'a'], 'filter'],
  ])('refuses %s before sending anything', async (_label, filters, field) => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url)
    const connection = await broker.connection()
    const error = await refusal(() => client.subscribe(filters as never))
    expect(error.field).toBe(field)
    await client.subscribe('probe')
    expect(sent(connection, 'subscribe')).toHaveLength(1)
  })

  it('refuses MQTT 5 per-filter options under MQTT 3.1.1', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { protocolVersion: 4 })
    const error = await refusal(() => client.subscribe([{ filter: 'a', noLocal: true }]))
    expect(error.field).toBe('filters[0].noLocal')
  })
})

describe('subscriptionIdentifiers: false', () => {
  const identifierOf = (packet: ISubscribePacket | undefined) => packet?.properties?.subscriptionIdentifier

  it('sends SUBSCRIBEs without a Subscription Identifier when off for the client', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { subscriptionIdentifiers: false })
    const connection = await broker.connection()
    await client.subscribe(['a/#', 'a/b'])
    const subscribes = sent(connection, 'subscribe') as ISubscribePacket[]
    // overlapping filters: with identifiers they would need one packet each
    expect(subscribes).toHaveLength(1)
    expect(identifierOf(subscribes[0])).toBeUndefined()
  })

  it('turns them off per call, and on per call when off for the client', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url)
    const connection = await broker.connection()
    await client.subscribe('a', { subscriptionIdentifiers: false })
    await client.subscribe('b')
    const [without, withId] = sent(connection, 'subscribe') as ISubscribePacket[]
    expect(identifierOf(without)).toBeUndefined()
    expect(identifierOf(withId)).toBeTypeOf('number')

    await using other = await Client.connect(broker.url, { subscriptionIdentifiers: false })
    const second = await broker.connection(1)
    await other.subscribe('c', { subscriptionIdentifiers: true })
    expect(identifierOf((sent(second, 'subscribe') as ISubscribePacket[])[0])).toBeTypeOf('number')
  })

  it('routes by topic what arrives for a filter subscribed without identifiers', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { subscriptionIdentifiers: false })
    const connection = await broker.connection()
    await using subscription = await client.subscribe('a/#')
    connection.send({
      cmd: 'publish',
      topic: 'a/b',
      payload: Buffer.from('x'),
      qos: 0,
      retain: false,
      dup: false,
    })
    const iterator = subscription[Symbol.asyncIterator]()
    expect((await iterator.next()).value?.text()).toBe('x')
  })

  it('refuses properties.subscriptionIdentifier with subscriptionIdentifiers: false, and a non-boolean', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url)
    const contradiction = await refusal(() =>
      client.subscribe('a', { subscriptionIdentifiers: false, properties: { subscriptionIdentifier: 5 } }),
    )
    expect(contradiction.field).toBe('properties.subscriptionIdentifier')
    const notBoolean = await refusal(() => client.subscribe('a', { subscriptionIdentifiers: 0 as never }))
    expect(notBoolean.field).toBe('subscriptionIdentifiers')
    const option = await refusal(() => Client.connect(broker.url, { subscriptionIdentifiers: 'no' as never }))
    expect(option.field).toBe('subscriptionIdentifiers')
  })
})
