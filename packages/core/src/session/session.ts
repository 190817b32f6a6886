import { MqttClientClosedError, MqttConnectionLostError } from '../errors/errors.js'
import { AckTracker } from '../incoming/ack-tracker.js'
import { EarlyMessages, type EarlyTarget } from '../incoming/early-messages.js'
import type { Message } from '../incoming/message.js'
import { BufferedMessageStream } from '../incoming/message-stream.js'
import { Router, type RouterOwner } from '../incoming/router.js'
import { Connection, type ConnectionHandlers } from '../mqttjs/connection.js'
import { ResendStore, useResendStore } from '../mqttjs/mqtt-internals.js'
import type { ResolvedOptions, ResolvedServer } from '../options/resolved-options.js'
import type { StreamLimits } from '../options/stream-limits.js'
import { OutgoingCalls } from '../outgoing/outgoing-calls.js'
import { ResendGuard } from '../outgoing/resend-guard.js'
import { SendQuota } from '../outgoing/send-quota.js'
import { Reconnector } from '../reconnect/reconnector.js'
import { ServerList } from '../reconnect/server-list.js'
import {
  ActiveSubscription,
  type SubscribeRequest,
  type Unsubscriber,
} from '../subscriptions/subscription.js'
import { SubscriptionRegistry } from '../subscriptions/subscription-registry.js'
import type { CheckedFilter } from '../validation/checks.js'
import { type ConnackInfo, connackInfo } from './connack-info.js'
import { type ClientState, EventChannel } from './connection-events.js'
import { ConnectionGate } from './connection-gate.js'
import type { SessionState } from './session-state.js'

/**
 * The state behind a {@link Client}: options, the current connection, the message router, the calls
 * in flight and the subscriptions. Streams and subscriptions belong to the session, not to the
 * MQTT.js client, so they outlive a lost connection when `reconnect` is on.
 *
 * Its state (where the client is, the current connection, why it was lost, the client id) is
 * private: other files read it through getters and change it only through the named transitions
 * below, so every change of state can be found here.
 */
export class Session implements ConnectionHandlers, EarlyTarget, RouterOwner {
  // #private fields first, at most 15 with the brand: see "Per-client objects" in ARCHITECTURE.md.
  /**
   * Messages that arrived before any stream or subscription existed (persistent sessions), until
   * handed over or discarded: then messages are routed at once and it is dropped.
   */
  #early: EarlyMessages | undefined
  #state: SessionState = 'connecting'
  #connection: Connection | undefined
  #lostError: MqttConnectionLostError | undefined
  #clientId: string
  #connack: ConnackInfo | undefined
  #reconnector: Reconnector | undefined
  /** Filters whose last subscription went away while reconnecting (UNSUBSCRIBE them if the broker kept the session). */
  #unsubscribeLater: Set<string> | undefined
  readonly options: ResolvedOptions
  readonly router: Router
  readonly calls: OutgoingCalls
  readonly subscriptions = new SubscriptionRegistry<ActiveSubscription>()
  /** Connection events for `client.events()`. */
  readonly events = new EventChannel()
  /** Where calls wait while reconnecting. */
  readonly gate: ConnectionGate
  /** The broker's Receive Maximum for our QoS 1/2 publishes. */
  readonly quota = new SendQuota()
  /** `ack: 'after-processing'` or `'manual'` only. */
  readonly acks: AckTracker | undefined
  /** The brokers to connect to, and which one is next. */
  readonly servers: ServerList

  constructor(options: ResolvedOptions) {
    this.options = options
    this.calls = new OutgoingCalls(options.maxConcurrentOutgoingCalls)
    this.gate = new ConnectionGate(options.reconnect?.maxQueuedPublishes ?? 0)
    this.acks =
      options.ack === 'on-receipt' ? undefined : new AckTracker(options.ack, () => this.protocolVersion)
    this.#early = new EarlyMessages(options.queue, this, this.acks)
    this.router = new Router(this)
    this.#clientId = options.mqtt.clientId ?? ''
    this.servers = ServerList.of(options)
  }

  /** Where the client is in its life. */
  get state(): SessionState {
    return this.#state
  }

  /** The current connection (the last one attached; kept, closed, once lost). */
  get connection(): Connection | undefined {
    return this.#connection
  }

  /** Why the connection was lost for good (state `lost`). */
  get lostError(): MqttConnectionLostError | undefined {
    return this.#lostError
  }

  /** The client id in use (the broker may assign one under MQTT 5). */
  get clientId(): string {
    return this.#clientId
  }

  /** What the broker's last CONNACK said (defaults before the first one). */
  get connack(): ConnackInfo {
    this.#connack ??= this.#connackInfo(undefined)
    return this.#connack
  }

  #connackInfo(connection: Connection | undefined): ConnackInfo {
    const mqtt = this.options.mqtt
    return connackInfo(connection?.connack, {
      keepalive: mqtt.keepalive ?? 60,
      sessionExpiryInterval: mqtt.properties?.sessionExpiryInterval ?? 0,
    })
  }

  /** The broker in use (the last one connected to; before any, the first to try), credential-free. */
  get server(): string {
    return this.#connection?.address ?? this.servers.current.address
  }

  get protocolVersion(): 3 | 4 | 5 {
    return this.connection?.protocolVersion ?? this.options.protocolVersion
  }

  get logger() {
    return this.options.logger
  }

  /** The state as `client.state` shows it. */
  get publicState(): ClientState {
    switch (this.#state) {
      case 'connecting':
      case 'connected':
        return 'connected'
      case 'reconnecting':
        return 'reconnecting'
      case 'lost':
        return 'disconnected'
      default:
        return 'closed'
    }
  }

  /** A new connection (not yet connected) whose messages and loss are reported to this session. */
  createConnection(options: ResolvedOptions = this.options, server?: ResolvedServer): Connection {
    const connection = new Connection(options, this, server)
    this.acks?.install(connection)
    if (this.options.reconnect && options.mqtt.outgoingStore === undefined) {
      const guard = new ResendGuard(connection.mqtt, this.options.reconnect.maxResends, this.logger)
      useResendStore(connection.mqtt, new ResendStore(guard))
    }
    return connection
  }

  /** Makes `connection` (after a successful handshake) the current one. */
  attach(connection: Connection): void {
    this.#connection = connection
    const assigned = connection.connack?.properties?.assignedClientIdentifier
    if (assigned) this.#clientId = assigned
    this.quota.setLimit(connection.connack?.properties?.receiveMaximum)
    this.#connack = this.#connackInfo(connection)
    this.servers.connected()
    this.#state = 'connected'
  }

  /**
   * `connectInBackground`: `Client.connect` resolves now, in state `reconnecting`; the reconnector
   * connects with its backoff while calls wait at the gate, as after a lost connection.
   */
  startInBackground(): void {
    this.#state = 'reconnecting'
    const reconnector = new Reconnector(this)
    this.#reconnector = reconnector
    void reconnector.run(undefined, undefined)
  }

  /** The first connection failed (`Client.connect()` throws): nothing to close, the session is over. */
  connectFailed(): void {
    this.#state = 'closed'
  }

  /**
   * `close()` began: new calls are refused from now on and reconnecting stops.
   * @returns whether the connection was already down (lost, or reconnecting): nothing in flight can complete.
   */
  beginClosing(): boolean {
    const lost = this.#state === 'lost' || this.#state === 'reconnecting'
    this.stopReconnecting()
    this.#state = 'closing'
    return lost
  }

  /** `close()` is done (the socket closed): every stream and subscription ends, `closed` is emitted. */
  closed(): void {
    this.#early?.discard()
    this.router.endAll()
    this.subscriptions.endAll()
    this.#state = 'closed'
    this.events.emit({ type: 'closed' })
  }

  /**
   * A message stream of `client.messages()`, routed from now on: the messages matching `filter`,
   * or, without one, those matching no filtered stream; closed when `signal` aborts.
   * @throws {@link MqttClientClosedError} once closing, the {@link lostError} once lost for good.
   */
  openStream(
    filter: CheckedFilter | undefined,
    limits: StreamLimits,
    signal?: AbortSignal,
  ): BufferedMessageStream {
    this.#refuseIfOver('create a message stream')
    let unroute: () => void = () => {}
    const close = () => stream.close()
    const stream = new BufferedMessageStream(
      filter?.filter,
      limits,
      () => {
        unroute()
        signal?.removeEventListener('abort', close)
      },
      this.acks,
    )
    if (filter?.params) stream.captureParams(filter.params)
    unroute = this.router.add(stream, filter ? 'filtered' : 'unfiltered', filter ? [filter.match] : [])
    // The signal ends the iteration: pending reads finish, the loop ends.
    if (signal?.aborted) stream.close()
    else signal?.addEventListener('abort', close, { once: true })
    return stream
  }

  /**
   * A new subscription of `client.subscribe()`, registered and routed (it buffers from now on)
   * before its SUBSCRIBE is sent. While reconnecting it is made at once; its SUBSCRIBE waits.
   * @throws as {@link usable} does, unless reconnecting.
   */
  openSubscription(
    filters: CheckedFilter[],
    request: SubscribeRequest,
    limits: StreamLimits,
    unsubscriber: Unsubscriber,
  ): ActiveSubscription {
    if (this.#state !== 'reconnecting') this.usable('subscribe')
    return new ActiveSubscription(this, filters, request, limits, unsubscriber)
  }

  /** Routes an incoming message to the streams (held until the first one exists: see {@link EarlyMessages}). */
  receive(message: Message): void {
    this.acks?.received(message)
    if (this.#early?.hold(message) !== true) this.#route(message)
  }

  /** The router registered a stream: the early messages go to the streams (see {@link EarlyMessages}). */
  created(): void {
    this.#early?.created()
  }

  /** {@link EarlyMessages} handed its messages over, or discarded them: it has nothing more to do. */
  earlyOver(): void {
    this.#early = undefined
  }

  /** A message held by {@link EarlyMessages} until the first stream existed. */
  routeEarly(message: Message): void {
    this.#route(message)
  }

  /** Routes one received copy: by the Subscription Identifiers it carries (MQTT 5), else by topic. */
  #route(message: Message): void {
    const copy = this.subscriptions.routing(message)
    if (copy === undefined) this.router.route(message)
    else {
      const subscriptions = [...copy.subscriptions].map((subscription) => subscription.stream)
      this.router.route(message, { streams: copy.streams, subscriptions })
    }
  }

  /**
   * The connection dropped. Without `reconnect`: every pending call and every stream ends with
   * `error`, and the client stays unusable until closed. With it: streams, subscriptions and calls
   * in flight stay; new calls wait; the {@link Reconnector} brings the connection back.
   */
  connectionLost(connection: Connection, error: MqttConnectionLostError): void {
    if (this.#state !== 'connected' || connection !== this.#connection) return
    this.acks?.reset()
    if (this.options.reconnect) {
      this.#state = 'reconnecting'
      this.events.emit({ type: 'disconnected', cause: error, willReconnect: true })
      const reconnector = new Reconnector(this)
      this.#reconnector = reconnector
      void reconnector.run(connection, error)
      return
    }
    this.#endAll(error)
  }

  /** The reconnector is done: connected again. */
  reconnected(connection: Connection, sessionPresent: boolean): void {
    this.#reconnector = undefined
    this.attach(connection)
    this.logger?.info({ address: connection.address, sessionPresent }, 'mqtt reconnected')
    this.events.emit({ type: 'connected', sessionPresent, connack: this.connack, server: connection.address })
    this.gate.open()
  }

  /** The reconnector gave up (`maxAttempts`): everything ends with `error`. */
  gaveUp(error: MqttConnectionLostError): void {
    this.#reconnector = undefined
    if (this.#state !== 'reconnecting') return
    this.logger?.warn({ address: this.options.address, error: error.message }, 'mqtt gave up reconnecting')
    this.#endAll(error)
  }

  /** Stops reconnecting and fails the calls waiting for it (the client is closing). */
  stopReconnecting(): void {
    this.#reconnector?.stop()
    this.#reconnector = undefined
    // An error (and its stack) only when a call waits: most clients close with none.
    if (this.gate.waiting === 0 && this.quota.waiting === 0) return
    const closed = new MqttClientClosedError('the client was closed while the call waited for the connection')
    this.gate.fail(closed)
    this.quota.failAll(closed)
  }

  /** Remembers filters to UNSUBSCRIBE once reconnected (if the broker kept the session). */
  unsubscribeLater(filters: readonly string[]): void {
    this.#unsubscribeLater ??= new Set()
    for (const filter of filters) this.#unsubscribeLater.add(filter)
  }

  /** The filters remembered by {@link unsubscribeLater}, forgotten here. */
  takeUnsubscribeLeftovers(): string[] {
    const filters = [...(this.#unsubscribeLater ?? [])]
    this.#unsubscribeLater = undefined
    return filters
  }

  /**
   * The connection to send a call on.
   * @throws {@link MqttClientClosedError} after close, {@link MqttConnectionLostError} once the connection dropped.
   */
  usable(what: string): Connection {
    this.#refuseIfOver(what)
    const connection = this.#connection
    if (this.#state !== 'connected' || connection === undefined || !connection.open) {
      throw new MqttConnectionLostError(`cannot ${what}: not connected to ${this.server}`)
    }
    return connection
  }

  /** Throws once the client is closing or closed, or lost for good. */
  #refuseIfOver(what: string): void {
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new MqttClientClosedError(`cannot ${what}: the client is ${this.#state}`)
    }
    if (this.#state === 'lost' && this.#lostError) throw this.#lostError
  }

  #endAll(error: MqttConnectionLostError): void {
    this.#state = 'lost'
    this.#lostError = error
    this.events.emit({ type: 'disconnected', cause: error, willReconnect: false })
    this.calls.failAll(error)
    this.gate.fail(error)
    this.quota.failAll(error)
    this.#early?.discard()
    this.router.endAll(error)
    this.subscriptions.endAll()
  }
}
