import { type ScriptedConnection, startAedes, startScriptedBroker, uniqueTopic } from '@await-mqtt/test-utils'
import type { IConnackPacket, IPublishPacket, ISubscribePacket } from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { Client, type ClientOptions, MqttValidationError } from '../../src/index.js'

/**
 * Issue 18 items 3, 5 and 9: whatever the client sends is checked against MQTT's rules and the
 * broker's CONNACK before it reaches the wire. Each refusal is an MqttValidationError naming the
 * field; the scripted broker proves nothing was sent (the next packet it sees is the probe that
 * follows) and the client stays connected.
 */

async function refusal(run: () => Promise<unknown>): Promise<MqttValidationError> {
  try {
    await run()
  } catch (error) {
    if (error instanceof MqttValidationError) return error
    throw new Error(`expected an MqttValidationError, got ${String(error)}`, { cause: error })
  }
  throw new Error('expected an MqttValidationError, but the call succeeded')
}

/** Publishes a probe and checks it is the next PUBLISH the broker sees: nothing went out before it. */
async function nextPublishIsProbe(client: Client, connection: ScriptedConnection, label: string) {
  const probe = `probe after ${label}`
  await client.publish('probe', probe, { qos: 1 })
  const packet = (await connection.next('publish')) as IPublishPacket
  expect(packet.payload.toString(), label).toBe(probe)
  expect(client.state).toBe('connected')
}

type PublishCase = [
  label: string,
  topic: string,
  payload: string | Uint8Array,
  options: object,
  field: string,
]

const invalidUtf8 = new Uint8Array([0x61, 0xff, 0x62])
const publishCases: PublishCase[] = [
  ['a control character in the topic', 'rooms/\u0001', 'x', {}, 'topic'],
  ['a C1 control character in the topic', 'rooms/\u0085', 'x', {}, 'topic'],
  ['DEL in the topic', 'rooms/\u007f', 'x', {}, 'topic'],
  ['U+FFFF in the topic', 'rooms/\uffff', 'x', {}, 'topic'],
  ['U+10FFFF in the topic', 'rooms/\u{10ffff}', 'x', {}, 'topic'],
  ['U+FDD0 in the topic', 'rooms/\ufdd0', 'x', {}, 'topic'],
  [
    'messageExpiryInterval -1',
    't',
    'x',
    { qos: 1, properties: { messageExpiryInterval: -1 } },
    'properties.messageExpiryInterval',
  ],
  [
    'messageExpiryInterval 2^32',
    't',
    'x',
    { qos: 1, properties: { messageExpiryInterval: 2 ** 32 } },
    'properties.messageExpiryInterval',
  ],
  [
    'messageExpiryInterval 1.5',
    't',
    'x',
    { properties: { messageExpiryInterval: 1.5 } },
    'properties.messageExpiryInterval',
  ],
  ['topicAlias 0', 't', 'x', { qos: 1, properties: { topicAlias: 0 } }, 'properties.topicAlias'],
  [
    "topicAlias above the broker's maximum",
    't',
    'x',
    { qos: 1, properties: { topicAlias: 6 } },
    'properties.topicAlias',
  ],
  ['topicAlias 70000', 't', 'x', { qos: 1, properties: { topicAlias: 70_000 } }, 'properties.topicAlias'],
  [
    'payloadFormatIndicator 1',
    't',
    'x',
    { properties: { payloadFormatIndicator: 1 } },
    'properties.payloadFormatIndicator',
  ],
  [
    'payloadFormatIndicator with a non-UTF-8 payload',
    't',
    invalidUtf8,
    { properties: { payloadFormatIndicator: true } },
    'payload',
  ],
  [
    'a lone surrogate in contentType',
    't',
    'x',
    { properties: { contentType: 'text/\ud800' } },
    'properties.contentType',
  ],
  ['U+0000 in contentType', 't', 'x', { properties: { contentType: 'a\u0000' } }, 'properties.contentType'],
  [
    'a control character in contentType',
    't',
    'x',
    { properties: { contentType: 'a\u0007' } },
    'properties.contentType',
  ],
  [
    'a wildcard in responseTopic',
    't',
    'x',
    { properties: { responseTopic: 'replies/+' } },
    'properties.responseTopic',
  ],
  [
    'a control character in responseTopic',
    't',
    'x',
    { properties: { responseTopic: 'r\u0001' } },
    'properties.responseTopic',
  ],
  [
    'correlationData as a string',
    't',
    'x',
    { properties: { correlationData: 'abc' } },
    'properties.correlationData',
  ],
  [
    'correlationData of 65,536 bytes',
    't',
    'x',
    { properties: { correlationData: new Uint8Array(65_536) } },
    'properties.correlationData',
  ],
  [
    'a control character in a user property value',
    't',
    'x',
    { properties: { userProperties: { k: 'v\u0001' } } },
    'properties.userProperties.k',
  ],
  [
    'a non-character in a user property key',
    't',
    'x',
    { properties: { userProperties: { 'k\ufffe': 'v' } } },
    'properties.userProperties key',
  ],
  [
    'a lone surrogate in a user property',
    't',
    'x',
    { properties: { userProperties: { k: ['a', '\udc00'] } } },
    'properties.userProperties.k',
  ],
  [
    'a number in a user property list',
    't',
    'x',
    { properties: { userProperties: { k: ['a', 1] } } },
    'properties.userProperties.k',
  ],
  [
    'subscriptionIdentifier on a PUBLISH',
    't',
    'x',
    { properties: { subscriptionIdentifier: 1 } },
    'properties.subscriptionIdentifier',
  ],
  ['an unknown property', 't', 'x', { properties: { expiry: 5 } }, 'properties.expiry'],
]

type CallCase = [label: string, run: (client: Client) => Promise<unknown>, field: string]

const subscribeCases: CallCase[] = [
  ['a control character in a filter', (c) => c.subscribe('rooms/\u0001/+'), 'filter'],
  ['a non-character in a shared filter', (c) => c.subscribe('$share/g/\uffff'), 'filter'],
  // biome-ignore lint/suspicious/noSparseArray: the sparse array is the bad input under test
  ['a sparse filter list', (c) => c.subscribe([, 'a'] as never), 'filter'],
  ['a number in the filter list', (c) => c.subscribe(['a', 5] as never), 'filter'],
  [
    'subscriptionIdentifier 0',
    (c) => c.subscribe('a', { properties: { subscriptionIdentifier: 0 } }),
    'properties.subscriptionIdentifier',
  ],
  [
    'subscriptionIdentifier 2^28',
    (c) => c.subscribe('a', { properties: { subscriptionIdentifier: 268_435_456 } }),
    'properties.subscriptionIdentifier',
  ],
  ['properties null', (c) => c.subscribe('a', { properties: null as never }), 'properties'],
  [
    'an unknown SUBSCRIBE property',
    (c) => c.subscribe('a', { properties: { topicAlias: 1 } as never }),
    'properties.topicAlias',
  ],
  [
    'a control character in a user property',
    (c) => c.subscribe('a', { properties: { userProperties: { k: '\u001b[31m' } } }),
    'properties.userProperties.k',
  ],
  // biome-ignore lint/suspicious/noSparseArray: the sparse array is the bad input under test
  ['unsubscribe: a sparse filter list', (c) => c.unsubscribe([, 'a'] as never), 'filter'],
  ['unsubscribe: a control character', (c) => c.unsubscribe('a/\u0002'), 'filter'],
  ['unsubscribe: properties 5', (c) => c.unsubscribe('a', { properties: 5 as never }), 'properties'],
]

describe('what the client sends is checked before it reaches the wire (scripted broker, MQTT 5)', () => {
  it.each(publishCases)(
    'publish refuses %s; nothing sent, still connected',
    async (label, topic, payload, options, field) => {
      await using broker = await startScriptedBroker({ connack: { properties: { topicAliasMaximum: 5 } } })
      await using client = await Client.connect(broker.url, { timeout: 3_000 })
      const connection = await broker.connection()
      const error = await refusal(() => client.publish(topic, payload, options as never))
      expect(error.field).toBe(field)
      await nextPublishIsProbe(client, connection, label)
    },
  )

  it.each(subscribeCases)('refuses %s; nothing sent, still connected', async (label, run, field) => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { timeout: 3_000 })
    const connection = await broker.connection()
    const error = await refusal(() => run(client))
    expect(error.field).toBe(field)
    await using subscription = await client.subscribe('probe/sub')
    const packet = (await connection.next('subscribe')) as ISubscribePacket
    expect(
      packet.subscriptions.map((entry) => entry.topic),
      label,
    ).toEqual(['probe/sub'])
    expect(subscription.filters).toEqual(['probe/sub'])
    await nextPublishIsProbe(client, connection, label)
  })

  it('sends what is valid: topicAlias within the maximum, every property at its bounds', async () => {
    await using broker = await startScriptedBroker({ connack: { properties: { topicAliasMaximum: 5 } } })
    await using client = await Client.connect(broker.url)
    const connection = await broker.connection()
    const properties = {
      topicAlias: 5,
      messageExpiryInterval: 2 ** 32 - 1,
      payloadFormatIndicator: true,
      contentType: 'text/plain; charset=utf-8 ✓',
      responseTopic: 'replies/🙂',
      correlationData: new Uint8Array(65_535),
      userProperties: { clé: ['é', '🙂'], empty: [] },
    }
    await client.publish('t/ok', 'ünïcode', { qos: 1, properties })
    const packet = (await connection.next('publish')) as IPublishPacket
    expect(packet.topic).toBe('t/ok')
    expect(packet.properties).toMatchObject({
      topicAlias: 5,
      messageExpiryInterval: 2 ** 32 - 1,
      payloadFormatIndicator: true,
    })
    expect(packet.properties?.userProperties).toEqual({ clé: ['é', '🙂'] })
  })

  it('strictUtf8: false lets control characters and non-characters through; U+0000 and lone surrogates stay refused', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { strictUtf8: false })
    const connection = await broker.connection()
    await client.publish('rooms/\u0001\uffff', 'x', { qos: 1, properties: { contentType: 'a\u0085' } })
    const packet = (await connection.next('publish')) as IPublishPacket
    expect(packet.topic).toBe('rooms/\u0001\uffff')
    expect(packet.properties?.contentType).toBe('a\u0085')
    expect((await refusal(() => client.publish('rooms/\ud800', 'x'))).field).toBe('topic')
    expect(
      (await refusal(() => client.publish('t', 'x', { properties: { contentType: 'a\u0000' } }))).field,
    ).toBe('properties.contentType')
    await nextPublishIsProbe(client, connection, 'strictUtf8: false')
  })
})

describe("the broker's CONNACK limits are held to (scripted broker, MQTT 5)", () => {
  const limits: Partial<IConnackPacket> = {
    properties: {
      maximumPacketSize: 300,
      topicAliasMaximum: 2,
      retainAvailable: false,
      maximumQoS: 1,
      wildcardSubscriptionAvailable: false,
      sharedSubscriptionAvailable: false,
      subscriptionIdentifiersAvailable: false,
    },
  }

  it('Maximum Packet Size: a PUBLISH of exactly the maximum goes out, one byte more is refused', async () => {
    await using broker = await startScriptedBroker({ connack: limits })
    await using client = await Client.connect(broker.url)
    const connection = await broker.connection()
    // 1 type byte + 2 bytes of Remaining Length + topic (2 + 1) + properties length (1) + payload
    const fits = new Uint8Array(300 - 1 - 2 - 3 - 1)
    await client.publish('t', fits)
    const packet = (await connection.next('publish')) as IPublishPacket
    expect((packet.length ?? 0) + 3).toBe(300)
    const error = await refusal(() => client.publish('t', new Uint8Array(fits.length + 1)))
    expect(error.field).toBe('size')
    expect(error.message).toMatch(/301-byte packet, above the broker's Maximum Packet Size of 300 bytes/)
    const withProperties = await refusal(() =>
      client.publish('t', fits, { qos: 1, properties: { userProperties: { a: 'b' } } }),
    )
    expect(withProperties.field).toBe('size')
    await nextPublishIsProbe(client, connection, 'packet too large')
  })

  it('Maximum Packet Size: a SUBSCRIBE or UNSUBSCRIBE above it is refused', async () => {
    await using broker = await startScriptedBroker({ connack: limits })
    await using client = await Client.connect(broker.url)
    const connection = await broker.connection()
    const filters = Array.from({ length: 10 }, (_, index) => `${'f'.repeat(30)}/${index}`)
    expect((await refusal(() => client.subscribe(filters))).field).toBe('size')
    expect((await refusal(() => client.unsubscribe(filters))).field).toBe('size')
    await using subscription = await client.subscribe(filters.slice(0, 5))
    const packet = (await connection.next('subscribe')) as ISubscribePacket
    expect(packet.subscriptions).toHaveLength(5)
    expect(subscription.filters).toHaveLength(5)
    await nextPublishIsProbe(client, connection, 'subscribe too large')
  })

  it.each<CallCase>([
    ['QoS 2 above Maximum QoS 1', (c) => c.publish('t', 'x', { qos: 2 }), 'qos'],
    ['retain without Retain Available', (c) => c.publish('t', 'x', { retain: true }), 'retain'],
    [
      'topicAlias 3 above Topic Alias Maximum 2',
      (c) => c.publish('t', 'x', { properties: { topicAlias: 3 } }),
      'properties.topicAlias',
    ],
    ['a wildcard filter without Wildcard Subscription Available', (c) => c.subscribe('a/+'), 'filter'],
    ['a # filter without Wildcard Subscription Available', (c) => c.subscribe(['a', 'b/#']), 'filter'],
    [
      'a shared subscription without Shared Subscription Available',
      (c) => c.subscribe('$share/g/a'),
      'filter',
    ],
    [
      'a subscription identifier without Subscription Identifiers Available',
      (c) => c.subscribe('a', { properties: { subscriptionIdentifier: 7 } }),
      'properties.subscriptionIdentifier',
    ],
  ])('refuses %s; nothing sent, still connected', async (label, run, field) => {
    await using broker = await startScriptedBroker({ connack: limits })
    await using client = await Client.connect(broker.url)
    const connection = await broker.connection()
    expect((await refusal(() => run(client))).field).toBe(field)
    await client.publish('t', 'allowed', { qos: 1, properties: { topicAlias: 2 } })
    const packet = (await connection.next('publish')) as IPublishPacket
    expect(packet.payload.toString(), label).toBe('allowed')
    expect(connection.received.filter((p) => p.cmd === 'subscribe')).toEqual([])
    await nextPublishIsProbe(client, connection, label)
  })

  it('an MQTT 3.1.1 CONNACK has no limits: QoS 2, retain and wildcards go out', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { protocolVersion: 4 })
    const connection = await broker.connection()
    await client.publish('t', 'x', { qos: 2, retain: true })
    expect(((await connection.next('publish')) as IPublishPacket).qos).toBe(2)
    await using _subscription = await client.subscribe('a/+')
    expect(((await connection.next('subscribe')) as ISubscribePacket).subscriptions[0]?.topic).toBe('a/+')
  })
})

describe('CONNECT strings are checked before connecting', () => {
  const cases: Array<[label: string, options: ClientOptions, field: string]> = [
    ['a user name of 65,536 bytes', { username: 'u'.repeat(65_536) }, 'username'],
    ['a lone surrogate in the user name', { username: 'al\udc00ice' }, 'username'],
    ['a lone surrogate in the client id', { clientId: 'id-\ud800' }, 'clientId'],
    ['a control character in the client id', { clientId: 'id\u0001' }, 'clientId'],
    ['a password of 65,536 bytes', { username: 'u', password: new Uint8Array(65_536) }, 'password'],
    ['a control character in the will topic', { will: { topic: 'w/\u0001' } }, 'will.topic'],
    [
      'a will payload of 65,536 bytes',
      { will: { topic: 'w', payload: new Uint8Array(65_536) } },
      'will.payload',
    ],
    [
      'a lone surrogate in the will content type',
      { will: { topic: 'w', properties: { contentType: '\ud800' } } },
      'will.properties.contentType',
    ],
    [
      'a control character in a CONNECT user property',
      { properties: { userProperties: { k: '\u0007' } } },
      'properties.userProperties.k',
    ],
    [
      'a non-character in the authentication method',
      { properties: { authenticationMethod: 'x\uffff' } },
      'properties.authenticationMethod',
    ],
    ['strictUtf8 not a boolean', { strictUtf8: 'no' as never }, 'strictUtf8'],
  ]

  it.each(cases)('refuses %s with MqttValidationError, opening nothing', async (_label, options, field) => {
    await using broker = await startScriptedBroker()
    const error = await refusal(() => Client.connect(broker.url, options))
    expect(error.field).toBe(field)
    expect(error.message).not.toContain('u'.repeat(100))
    expect(broker.connections).toHaveLength(0)
  })

  it('strictUtf8: false lets a control character in the client id through', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url, { clientId: 'id\u0001', strictUtf8: false })
    expect(client.clientId).toBe('id\u0001')
  })
})

describe('other bad arguments are MqttValidationError, never TypeError', () => {
  it('close(null), events(null), withClient without a function', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    expect(() => client.events(null as never)).toThrow(MqttValidationError)
    const { withClient } = await import('../../src/index.js')
    await expect(withClient(broker.url, undefined as never)).rejects.toBeInstanceOf(MqttValidationError)
    const topic = uniqueTopic('still')
    await using messages = client.messages(topic)
    await client.subscribe(topic)
    await client.publish(topic, 'ok')
    expect((await messages.next()).value?.text()).toBe('ok')
    expect(() => client.close(null as never)).toThrow(MqttValidationError)
  })
})
