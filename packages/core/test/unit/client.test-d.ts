import type { PatternParams } from '@await-mqtt/topic-trie'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type BrokerTarget,
  Client,
  type ClientOptions,
  type ConnackInfo,
  type ConnectionEvent,
  type GrantedFilter,
  type Message,
  type MessageStream,
  type MqttCodeError,
  type MqttConnectError,
  type MqttError,
  type PublishOptions,
  type QoS,
  ReasonCode,
  type SubscribeOptions,
  type Subscription,
  type Topic,
  withClient,
} from '../../src/index.js'

declare const client: Client

describe('MQTT 5 session types (issue 21)', () => {
  it('client.connack is typed, with defaults resolved', () => {
    expectTypeOf(client.connack).toEqualTypeOf<ConnackInfo>()
    expectTypeOf(client.connack.sessionPresent).toEqualTypeOf<boolean>()
    expectTypeOf(client.connack.receiveMaximum).toEqualTypeOf<number>()
    expectTypeOf(client.connack.maximumQoS).toEqualTypeOf<QoS>()
    expectTypeOf(client.connack.maximumPacketSize).toEqualTypeOf<number | undefined>()
    expectTypeOf(client.connack.assignedClientIdentifier).toEqualTypeOf<string | undefined>()
    expectTypeOf<Extract<ConnectionEvent, { type: 'connected' }>['connack']>().toEqualTypeOf<ConnackInfo>()
  })

  it('close() takes a reason code and DISCONNECT properties; withClient an opt-out', () => {
    expectTypeOf(client.close({ reasonCode: ReasonCode.DisconnectWithWillMessage })).toEqualTypeOf<
      Promise<void>
    >()
    client.close({
      properties: { sessionExpiryInterval: 0, reasonString: 'bye', userProperties: { a: 'b' } },
    })
    // @ts-expect-error serverReference is sent by servers only
    client.close({ properties: { serverReference: 'x' } })
    withClient('mqtt://localhost', async () => 1, { publishWillOnError: false })
  })

  it('subscribe() takes filters with their own options', () => {
    client.subscribe([
      { filter: 'a', qos: 2, noLocal: true, retainAsPublished: true, retainHandling: 1 },
      'b',
    ])
    client.subscribe('a', { subscriptionIdentifiers: false })
    // @ts-expect-error retainHandling is 0 | 1 | 2
    client.subscribe([{ filter: 'a', retainHandling: 3 }])
  })
})

describe('public API types', () => {
  it('Client.connect takes a URL or options and resolves to a Client', () => {
    expectTypeOf(Client.connect)
      .parameter(0)
      .toEqualTypeOf<string | ClientOptions | readonly BrokerTarget[]>()
    expectTypeOf(Client.connect('mqtt://localhost')).toEqualTypeOf<Promise<Client>>()
    expectTypeOf(Client.connect({ hostname: 'h', port: 1883, protocolVersion: 4 })).toEqualTypeOf<
      Promise<Client>
    >()
    // @ts-expect-error protocolVersion is 3 | 4 | 5
    Client.connect({ protocolVersion: 6 })
    // several brokers: URLs or per-broker options, with shared options beside them
    expectTypeOf(
      Client.connect(['mqtt://a', { url: 'mqtts://b', username: 'b', tls: { ca: 'pem' } }], {
        reconnect: true,
        failover: { shuffle: true, followRedirects: true, maxRedirects: 2 },
        connectInBackground: true,
      }),
    ).toEqualTypeOf<Promise<Client>>()
    // @ts-expect-error keepalive is shared by every broker of a list, not set per broker
    Client.connect([{ url: 'mqtt://a', keepalive: 5 }])
    expectTypeOf(client.server).toEqualTypeOf<string>()
    // @ts-expect-error the constructor is private: connect() is the way in
    new Client()
  })

  it('the client reports its state read-only', () => {
    expectTypeOf(client.clientId).toEqualTypeOf<string>()
    expectTypeOf(client.protocolVersion).toEqualTypeOf<3 | 4 | 5>()
    expectTypeOf(client.connected).toEqualTypeOf<boolean>()
    // @ts-expect-error read-only
    client.connected = true
  })

  it('publish accepts the payload types and options, and resolves to void', () => {
    expectTypeOf(client.publish('t', 'text')).toEqualTypeOf<Promise<void>>()
    client.publish('t', new Uint8Array())
    client.publish('t', 0.38)
    client.publish('t', true)
    client.publish('t', null)
    client.publish('t')
    client.publish('t', 'x', { qos: 2, retain: true, timeout: 5, signal: AbortSignal.timeout(5) })
    client.publish('t', 'x', { properties: { userProperties: { a: ['b', 'c'] }, contentType: 'text/plain' } })
    // @ts-expect-error objects are not payloads: serialise them first
    client.publish('t', { a: 1 })
    // @ts-expect-error qos is 0 | 1 | 2
    client.publish('t', 'x', { qos: 3 })
    expectTypeOf<PublishOptions['qos']>().toEqualTypeOf<QoS | undefined>()
  })

  it('subscribe resolves to a Subscription: granted codes, async iterable, disposable', async () => {
    const subscription = await client.subscribe(['a/#', 'b/+'], { qos: 1, noLocal: true, retainHandling: 2 })
    // no named wildcards: no params
    expectTypeOf(subscription).toEqualTypeOf<Subscription<Message<PatternParams<'a/#' | 'b/+'>>>>()
    expectTypeOf(subscription).toMatchTypeOf<Subscription>()
    expectTypeOf(subscription.filters).toEqualTypeOf<readonly string[]>()
    expectTypeOf(subscription.granted).toEqualTypeOf<readonly GrantedFilter[]>()
    expectTypeOf(subscription.granted[0]!.reasonCode).toEqualTypeOf<number>()
    expectTypeOf(subscription).toMatchTypeOf<AsyncIterable<Message>>()
    expectTypeOf(subscription).toMatchTypeOf<AsyncDisposable>()
    expectTypeOf(subscription.unsubscribe()).toEqualTypeOf<Promise<void>>()
    // @ts-expect-error retainHandling is 0 | 1 | 2
    client.subscribe('a', { retainHandling: 3 })
    expectTypeOf<SubscribeOptions>().toHaveProperty('maxQueued')
  })

  it('messages() returns a MessageStream of Messages', () => {
    const stream = client.messages('a/#', { maxQueued: 10, overflow: 'drop-newest' })
    expectTypeOf(stream).toEqualTypeOf<MessageStream<Message<PatternParams<'a/#'>>>>()
    expectTypeOf(stream).toMatchTypeOf<MessageStream>()
    expectTypeOf(stream.filter).toEqualTypeOf<string | undefined>()
    expectTypeOf(stream.dropped).toEqualTypeOf<number>()
    expectTypeOf(stream).toMatchTypeOf<AsyncIterableIterator<Message>>()
    expectTypeOf(stream).toMatchTypeOf<AsyncDisposable>()
    // @ts-expect-error no such overflow policy
    client.messages('a', { overflow: 'block' })
  })

  it('Message has a Topic, a payload without copy, and helpers', () => {
    const message = {} as Message
    expectTypeOf(message.topic).toEqualTypeOf<Topic>()
    expectTypeOf(message.topic.value).toEqualTypeOf<string>()
    expectTypeOf(message.topic.levels).toEqualTypeOf<readonly string[]>()
    expectTypeOf(message.topic.matches('a/+')).toEqualTypeOf<boolean>()
    expectTypeOf(message.payload).toEqualTypeOf<Uint8Array>()
    expectTypeOf(message.qos).toEqualTypeOf<QoS>()
    expectTypeOf(message.messageId).toEqualTypeOf<number | undefined>()
    expectTypeOf(message.text()).toEqualTypeOf<string>()
    expectTypeOf(message.json<{ a: number }>()).toEqualTypeOf<{ a: number }>()
    expectTypeOf(message.json()).toEqualTypeOf<unknown>()
  })

  it('close, dispose and withClient', () => {
    expectTypeOf(client.close()).toEqualTypeOf<Promise<void>>()
    expectTypeOf(client.close({ timeout: 100 })).toEqualTypeOf<Promise<void>>()
    expectTypeOf(client).toMatchTypeOf<AsyncDisposable>()
    expectTypeOf(withClient('mqtt://x', async () => 42)).toEqualTypeOf<Promise<number>>()
  })

  it('errors form one tree with typed fields', () => {
    expectTypeOf<MqttConnectError>().toMatchTypeOf<MqttError>()
    expectTypeOf<MqttConnectError['failure']>().toEqualTypeOf<
      | 'bad-credentials'
      | 'not-authorized'
      | 'refused'
      | 'unsupported-protocol'
      | 'unreachable'
      | 'tls'
      | 'timeout'
      | 'proxy'
      | 'closed'
      | 'protocol-error'
      | 'incompatible-mqtt'
      | 'auth-challenge'
    >()
    expectTypeOf<MqttCodeError['reasonCode']>().toEqualTypeOf<number>()
    expectTypeOf(ReasonCode.NotAuthorized).toEqualTypeOf<0x87>()
  })
})
