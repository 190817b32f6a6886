import type { PatternParams } from '@await-mqtt/topic-trie'
import { describeValue } from './errors/describe-value.js'
import { MqttValidationError } from './errors/errors.js'
import type { Message } from './incoming/message.js'
import type { MessageStream } from './incoming/message-stream.js'
import {
  checkSchemaOptions,
  type PayloadSchema,
  type SchemaOptions,
  type SchemaOutput,
} from './incoming/validate-payload.js'
import { type Validated, ValidatingStream, type Validation } from './incoming/validating-stream.js'
import type {
  BrokerTarget,
  CallOptions,
  ClientOptions,
  PayloadInput,
  QueueOptions,
} from './options/client-options.js'
import { resolveBrokerList } from './options/resolve-broker-list.js'
import { resolveOptions } from './options/resolve-options.js'
import { type PublishOptions, publish } from './outgoing/publish.js'
import { type ReplyOptions, reply } from './requests/reply.js'
import { Requester, type RequestOptions } from './requests/requester.js'
import { type RequestHandler, type Responder, type RespondOptions, respond } from './requests/respond.js'
import { closeSession } from './session/close-session.js'
import type { ConnackInfo } from './session/connack-info.js'
import { connectSession } from './session/connect-session.js'
import type { ClientState, ConnectionEvents, ConnectionEventsOptions } from './session/connection-events.js'
import { checkDisconnect, type DisconnectProperties } from './session/disconnect-request.js'
import { reauthenticate } from './session/reauthenticate.js'
import { Session } from './session/session.js'
import {
  type SubscribeFilter,
  type SubscribeOptions,
  subscribe,
  type UnsubscribeOptions,
  unsubscribe,
} from './subscriptions/subscribe.js'
import type { Subscription } from './subscriptions/subscription.js'
import { ValidatingSubscription } from './subscriptions/validating-subscription.js'
import { checkCallOptions, checkFilter, checkOptionsObject, checkQueueOptions } from './validation/checks.js'

/**
 * Options of `client.close()`.
 * @example
 * await client.close({ timeout: 2_000 })
 * await client.close({ reasonCode: ReasonCode.DisconnectWithWillMessage }) // the broker publishes the will
 */
export interface CloseOptions {
  /** How long in-flight calls and the DISCONNECT may take, in ms. @default the client's `timeout` */
  timeout?: number
  /**
   * MQTT 5: the DISCONNECT reason code, one a client may send: `0x04` (Disconnect with Will
   * Message) asks the broker to publish the will; `0x80`–`0x83`, `0x90`, `0x93`–`0x99` report an
   * error. Anything but 0 needs MQTT 5.
   * @default 0x00 (Normal disconnection: the will is not published)
   */
  reasonCode?: number
  /** MQTT 5 DISCONNECT properties: a new `sessionExpiryInterval`, a `reasonString`, `userProperties`. */
  properties?: DisconnectProperties
}

/**
 * Options of `client.messages()`: the stream's queue bounds, and a signal that ends it.
 * @example
 * await using readings = client.messages('sensors/#', { maxQueued: 100, signal: AbortSignal.timeout(60_000) })
 */
export interface MessagesOptions extends QueueOptions {
  /** Closes the stream when it aborts: pending reads finish and the loop over it ends. */
  signal?: AbortSignal
}

/**
 * An MQTT client connected to one broker: no callbacks, every call awaitable, errors thrown.
 * Create it with {@link Client.connect}; close it with `await using`, `close()` or {@link withClient}.
 * @example
 * await using client = await Client.connect('mqtt://localhost')
 * await using messages = client.messages()  // buffers from now on: retained messages are not missed
 * await client.subscribe('measurements/#')
 * for await (const message of messages) console.log(message.topic.value, message.text())
 */
export class Client implements AsyncDisposable {
  readonly #session: Session
  #closing: Promise<void> | undefined
  #requester: Requester | undefined

  private constructor(session: Session) {
    this.#session = session
  }

  /**
   * Connects to a broker and resolves once it accepted the connection (CONNACK).
   * `target` is a URL (`mqtt://`, `mqtts://`, `ws://`, `wss://`) or options; `options` add to it.
   *
   * Several brokers (the nodes of a cluster): give a list of URLs or {@link BrokerOptions}, and
   * the options they share. `Client.connect` tries them in turn (in order, or shuffled with
   * `failover.shuffle`), each with an equal share of what is left of `timeout`; with `reconnect`,
   * each reconnection attempt moves on to the next one, with the usual backoff. `client.server`
   * tells which one is in use; the `connected` event of {@link Client.events} names it.
   *
   * With `connectInBackground` (and `reconnect`) it resolves at once, in state `reconnecting`.
   * @throws {@link MqttConnectError} saying why: bad credentials, not authorized, refused,
   * unreachable, TLS, proxy, timeout (with several brokers, why each failed).
   * {@link MqttValidationError} for invalid options.
   * @example
   * const client = await Client.connect('mqtts://broker.local', { username: 'alice', password: 'secret' })
   * @example
   * const client = await Client.connect(['mqtt://node-a:1883', 'mqtt://node-b:1883'], { reconnect: true })
   */
  static async connect(
    target: string | ClientOptions | readonly BrokerTarget[],
    options?: ClientOptions,
  ): Promise<Client> {
    const resolved = Array.isArray(target)
      ? resolveBrokerList(target as readonly BrokerTarget[], options)
      : resolveOptions(target as string | ClientOptions, options)
    checkCallOptions({ timeout: resolved.timeout }, resolved.timeout)
    const session = new Session(resolved)
    const signal =
      options?.signal ??
      (typeof target === 'object' && !Array.isArray(target) ? (target as ClientOptions).signal : undefined)
    await connectSession(session, signal)
    return new Client(session)
  }

  /** The client identifier in use (assigned by the broker when MQTT 5 and none was given). */
  get clientId(): string {
    return this.#session.clientId
  }

  /**
   * What the broker said when it accepted the connection: session present, its limits (Receive
   * Maximum, Maximum Packet Size, Topic Alias Maximum, Maximum QoS, what is available), Server
   * Keep Alive, Assigned Client Identifier, Response Information, Server Reference, Reason String,
   * User Properties — with MQTT 5's defaults for what it left out. Replaced on each reconnection
   * (the `connected` event of {@link Client.events} carries the new one).
   * @example
   * if (!client.connack.sessionPresent) await client.subscribe('jobs/#', { qos: 1 })
   */
  get connack(): ConnackInfo {
    return this.#session.connack
  }

  /**
   * The broker in use, without credentials (`mqtt://node-b:1883`): the one connected to (or last
   * connected to, while reconnecting); before the first connection (`connectInBackground`), the
   * first one to try. With several brokers or a followed redirect it changes: the `connected`
   * event of {@link Client.events} tells when.
   * @example console.log(`connected to ${client.server}`)
   */
  get server(): string {
    return this.#session.server
  }

  /** The protocol version spoken: 5 (MQTT 5.0), 4 (3.1.1) or 3 (3.1). */
  get protocolVersion(): 3 | 4 | 5 {
    return this.#session.protocolVersion
  }

  /** Whether the connection is up and the client not closing. */
  get connected(): boolean {
    return this.#session.state === 'connected' && this.#session.connection?.open === true
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /**
   * Where the client is: `connected`, `reconnecting` (with `reconnect` on), `disconnected` (lost
   * for good) or `closed`. Changes are also observable with {@link Client.events}.
   * @example if (client.state !== 'connected') console.warn('broker unavailable')
   */
  get state(): ClientState {
    return this.#session.publicState
  }

  /**
   * The connection events from now on, as an async iterable: `disconnected` (with its `cause`),
   * `reconnecting` (attempt N in `delay` ms), `connected` (`sessionPresent`), and `closed`, after
   * which the iteration ends. No callbacks; at most `maxBuffered` unread events are kept.
   * @example
   * for await (const event of client.events()) {
   *   if (event.type === 'reconnecting') console.log(`attempt ${event.attempt} in ${event.delay} ms`)
   * }
   */
  events(options: ConnectionEventsOptions = {}): ConnectionEvents {
    checkOptionsObject(options)
    const { maxBuffered = 100 } = options
    if (!Number.isInteger(maxBuffered) || maxBuffered < 1) {
      throw new MqttValidationError(
        `maxBuffered must be a positive integer, not ${describeValue(maxBuffered)}`,
        'maxBuffered',
      )
    }
    return this.#session.events.subscribe(maxBuffered)
  }

  /**
   * Publishes a message; resolves when the QoS handshake completes (QoS 0: handed to the socket).
   * Under MQTT 5, `topic` may be `''` with `properties.topicAlias` naming an alias this connection
   * set earlier (by a publish with the topic and that alias); see also the `topicAliases` option.
   * @throws {@link MqttValidationError} before sending anything, for a bad topic, payload or option.
   * @throws {@link MqttCodeError} when the broker refuses it (MQTT 5 reason code >= 0x80).
   * @example await client.publish('measurements/humidity', 0.38, { qos: 1 })
   */
  publish(topic: string, payload?: PayloadInput, options?: PublishOptions): Promise<void> {
    return publish(this.#session, topic, payload, options)
  }

  /**
   * Subscribes to one filter or several; the {@link Subscription} tells what was granted and is
   * itself an async iterable of the messages matching its filters. Dispose it to unsubscribe.
   * A filter given as `{ filter, qos, noLocal, retainAsPublished, retainHandling }` has its own
   * options (the call's fill in the rest); the filters go in one SUBSCRIBE (under MQTT 5 with
   * Subscription Identifiers, one per identifier when some of them overlap).
   * A filter may name its wildcards (`sensors/+room/#rest`, also behind `$share/{group}/`): the
   * names are stripped on the wire, and each message carries what they captured in `message.params`,
   * typed from the filter. `signal` cancels the SUBSCRIBE in flight, and once subscribed ends the
   * iteration and unsubscribes.
   * @throws {@link MqttCodeError} when the broker refuses a filter (reason code >= 0x80).
   * @example
   * await using subscription = await client.subscribe(['a/#', 'b/+'], { qos: 1 })
   * for await (const message of subscription) console.log(message.text())
   * await client.subscribe([{ filter: 'alerts/#', qos: 2 }, { filter: 'chat/+', noLocal: true }])
   * @example
   * for await (const reading of await client.subscribe('sensors/+room/temperature')) {
   *   console.log(reading.params.room, reading.text()) // params: { room: string }
   * }
   */
  subscribe<const Filter extends string>(
    filter: Filter | readonly (Filter | (SubscribeFilter & { filter: Filter }))[],
    options?: SubscribeOptions,
  ): Promise<Subscription<Message<PatternParams<Filter>>>>
  /**
   * Subscribes, validating each payload: the subscription yields {@link Validated} items (`data`,
   * `message`). A payload its Standard Schema refuses rejects that read with
   * {@link MqttPayloadValidationError} (or is skipped with `invalid: 'skip'`); the iteration goes on.
   * @example
   * await using readings = await client.subscribe('sensors/+', { qos: 1, schema: z.object({ celsius: z.number() }) })
   * for await (const { data } of readings) console.log(data.celsius)
   */
  subscribe<S extends PayloadSchema>(
    filter: string | readonly (string | SubscribeFilter)[],
    options: SubscribeOptions & SchemaOptions<S>,
  ): Promise<Subscription<Validated<SchemaOutput<S>>>>
  async subscribe(
    filter: string | readonly (string | SubscribeFilter)[],
    options?: SubscribeOptions & Partial<SchemaOptions>,
  ): Promise<Subscription<Message> | Subscription<Validated<unknown>>> {
    checkOptionsObject(options)
    const invalid = checkSchemaOptions(options ?? {})
    const subscription = await subscribe(this.#session, filter, options)
    if (invalid === undefined || options?.schema === undefined) return subscription
    return new ValidatingSubscription(subscription, this.#validation(options.schema, invalid))
  }

  /**
   * Unsubscribes from filters; every subscription holding one stops receiving it.
   * @example await client.unsubscribe('measurements/#')
   */
  unsubscribe(filter: string | readonly string[], options?: UnsubscribeOptions): Promise<void> {
    return unsubscribe(this.#session, filter, options)
  }

  /**
   * A stream of received messages, buffered from now on. With a filter, the messages that match
   * it (`$share/{group}/` is ignored); without, the messages that match no filtered stream.
   * It does not subscribe: call `subscribe()` after creating it, so no retained message is missed.
   * Named wildcards (`sensors/+room/temperature`) fill `message.params`, as with `subscribe()`.
   * Aborting `signal` closes the stream: the loop over it ends.
   * @throws {@link MqttValidationError} for an invalid filter or queue option.
   * @throws {@link MqttClientClosedError} after `close()`; {@link MqttConnectionLostError} once the connection dropped.
   * @example
   * await using temperatures = client.messages('sensors/+room/temperature', { maxQueued: 100 })
   * for await (const reading of temperatures) console.log(reading.params.room, reading.text())
   */
  messages<const Filter extends string = string>(
    filter?: Filter,
    options?: MessagesOptions,
  ): MessageStream<Message<PatternParams<Filter>>>
  /**
   * A stream of received messages whose JSON payloads are validated: it yields {@link Validated}
   * items (`data`, `message`). A payload its Standard Schema (zod, valibot, arktype...) refuses
   * rejects that read with {@link MqttPayloadValidationError} naming the topic and the issues, or
   * is skipped with `invalid: 'skip'`; the stream goes on either way. Async validators work too.
   * @example
   * await using readings = client.messages('sensors/+/temperature', { schema: z.object({ celsius: z.number() }) })
   * for await (const { data, message } of readings) console.log(message.topic.value, data.celsius)
   */
  messages<S extends PayloadSchema>(
    filter: string | undefined,
    options: MessagesOptions & SchemaOptions<S>,
  ): MessageStream<Validated<SchemaOutput<S>>>
  messages(
    filter?: string,
    options: MessagesOptions & Partial<SchemaOptions> = {},
  ): MessageStream<Message> | MessageStream<Validated<unknown>> {
    checkOptionsObject(options)
    const checked = filter === undefined ? undefined : checkFilter(filter)
    const limits = checkQueueOptions(options, this.#session.options.queue)
    const invalid = checkSchemaOptions(options)
    const { signal } = options
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new MqttValidationError('signal must be an AbortSignal', 'signal')
    }
    // Named wildcards: the stream gives message.params, typed by the first overload.
    const stream = this.#session.openStream(checked, limits, signal)
    if (invalid === undefined || options.schema === undefined) return stream
    return new ValidatingStream(stream, this.#validation(options.schema, invalid))
  }

  /**
   * MQTT 5 request/response: publishes `payload` to `topic` with this client's Response Topic and a
   * fresh Correlation Data, and resolves with the response. The response topic is subscribed on the
   * first request and kept until the client closes; any number of requests may wait at once.
   * @throws {@link MqttTimeoutError} when no response came within `timeout` (then a late one is dropped).
   * @throws {@link MqttValidationError} under MQTT 3.1.1, or for a bad topic, payload or option.
   * @example
   * const response = await client.request('services/clock', 'now?', { timeout: 2_000 })
   * console.log(response.text())
   */
  request(topic: string, payload?: PayloadInput, options?: RequestOptions): Promise<Message> {
    this.#requester ??= new Requester(this.#session)
    return this.#requester.request(topic, payload, options)
  }

  /**
   * MQTT 5: answers the requests published on `filter`: `handler`'s result is published to each
   * request's Response Topic with its Correlation Data. A request whose handler throws is left
   * unanswered (and logged). Dispose the {@link Responder} to unsubscribe.
   * @throws {@link MqttValidationError} under MQTT 3.1.1.
   * @example
   * await using responder = await client.respond('services/clock', () => new Date().toISOString())
   */
  respond(
    filter: string | readonly string[],
    handler: RequestHandler,
    options?: RespondOptions,
  ): Promise<Responder> {
    return respond(this.#session, filter, handler, options)
  }

  /**
   * MQTT 5: publishes `payload` to `request`'s Response Topic with its Correlation Data: answering
   * a request read from any stream or subscription, without {@link Client.respond}.
   * @throws {@link MqttValidationError} under MQTT 3.1.1, or when `request` has no Response Topic.
   * @example
   * for await (const request of await client.subscribe('services/echo')) await client.reply(request, request.payload)
   */
  reply(request: Message, payload?: PayloadInput, options?: ReplyOptions): Promise<void> {
    return reply(this.#session, request, payload, options)
  }

  #validation<T>(schema: PayloadSchema<T>, invalid: Validation<T>['invalid']): Validation<T> {
    const logger = this.#session.logger
    return {
      schema,
      invalid,
      onSkip: (error) =>
        logger?.warn(
          { topic: (error as { topic?: string }).topic, error: (error as Error).message },
          'mqtt skipped a payload its schema refused',
        ),
    }
  }

  /**
   * MQTT 5 re-authentication, with the method of the `auth` option: sends AUTH (0x19 Re-authenticate)
   * with `data`, answers the broker's challenges with `auth.onChallenge`, and resolves once the
   * broker accepts (AUTH 0x00). A broker that refuses closes the connection.
   * @throws {@link MqttConnectionLostError} when the broker refuses (its DISCONNECT `reasonCode`,
   * e.g. 0x87) or the connection drops; {@link MqttConnectError} (`'auth-challenge'`) when
   * `auth.onChallenge` throws (the connection is closed); {@link MqttValidationError} without
   * `auth`, or while another re-authentication runs.
   * @example await client.reauthenticate(new TextEncoder().encode(freshToken))
   */
  reauthenticate(data?: Uint8Array, options?: CallOptions): Promise<void> {
    return reauthenticate(this.#session, data, options)
  }

  /**
   * Closes gracefully: waits (within `timeout`) for calls in flight, sends DISCONNECT (with
   * `reasonCode` and `properties`, MQTT 5), ends every stream (their loops finish) and leaves no
   * socket or timer behind. Idempotent (a second call's options are ignored); never rejects once
   * its options are valid.
   * @throws {@link MqttValidationError} for a reason code a client may not send, an MQTT 5 option
   * under 3.1.1, or a non-zero `sessionExpiryInterval` after connecting with 0; the client stays open.
   * @example
   * await client.close({ timeout: 2_000 })
   * await client.close({ reasonCode: 0x04 }) // Disconnect with Will Message: the broker publishes the will
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.#closing === undefined) {
      checkOptionsObject(options)
      const timeout = checkCallOptions({ timeout: options.timeout }, this.#session.options.timeout)
      const session = this.#session
      const disconnect = checkDisconnect(
        options.reasonCode,
        options.properties,
        session.protocolVersion,
        session.options.mqtt.properties?.sessionExpiryInterval ?? 0,
        session.options.strictUtf8,
      )
      this.#closing = closeSession(session, timeout, disconnect)
    }
    return this.#closing
  }

  /** `await using client = ...` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
