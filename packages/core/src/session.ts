import { AckTracker } from './ack-after-processing.js'
import { Connection } from './connection.js'
import { type ClientState, EventChannel } from './connection-events.js'
import { ConnectionGate } from './connection-gate.js'
import { EarlyMessages } from './early-messages.js'
import { MqttClientClosedError, MqttConnectionLostError } from './errors.js'
import type { Message } from './message.js'
import { keepPublishesOnForcedClose, ResendStore } from './mqtt-internals.js'
import { OutgoingCalls } from './outgoing-calls.js'
import { Reconnector } from './reconnect/reconnector.js'
import { ResendGuard } from './resend-guard.js'
import type { ResolvedOptions } from './resolve-options.js'
import { Router } from './router.js'
import { SendQuota } from './send-quota.js'
import type { ActiveSubscription } from './subscription.js'
import { SubscriptionRegistry } from './subscription-registry.js'

/** Where a client is in its life. Held here and nowhere else. */
export type SessionState = 'connecting' | 'connected' | 'reconnecting' | 'lost' | 'closing' | 'closed'

/**
 * The state behind a {@link Client}: options, the current connection, the message router, the calls
 * in flight and the subscriptions. Streams and subscriptions belong to the session, not to the
 * MQTT.js client, so they outlive a lost connection when `reconnect` is on.
 */
export class Session {
  readonly options: ResolvedOptions
  readonly router = new Router(() => this.early.created())
  readonly calls: OutgoingCalls
  readonly subscriptions = new SubscriptionRegistry<ActiveSubscription>()
  /** Connection events for `client.events()`. */
  readonly events = new EventChannel()
  /** Where calls wait while reconnecting. */
  readonly gate: ConnectionGate
  /** The broker's Receive Maximum for our QoS 1/2 publishes. */
  readonly quota = new SendQuota()
  /** `ack: 'after-processing'` only. */
  readonly acks: AckTracker | undefined
  /** Messages that arrived before any stream or subscription existed (persistent sessions). */
  readonly early: EarlyMessages
  state: SessionState = 'connecting'
  connection: Connection | undefined
  /** Why the connection was lost for good (state `lost`). */
  lostError: MqttConnectionLostError | undefined
  /** The client id in use (the broker may assign one under MQTT 5). */
  clientId: string
  #reconnector: Reconnector | undefined
  /** Filters whose last subscription went away while reconnecting (UNSUBSCRIBE them if the broker kept the session). */
  #unsubscribeLater = new Set<string>()

  constructor(options: ResolvedOptions) {
    this.options = options
    this.calls = new OutgoingCalls(options.maxConcurrentOutgoingCalls)
    this.gate = new ConnectionGate(options.reconnect?.maxQueuedPublishes ?? 0)
    this.acks = options.ack === 'after-processing' ? new AckTracker() : undefined
    this.early = new EarlyMessages(options.queue, (message) => this.#route(message), this.acks)
    this.clientId = options.mqtt.clientId ?? ''
  }

  get protocolVersion(): 3 | 4 | 5 {
    return this.connection?.protocolVersion ?? this.options.protocolVersion
  }

  get logger() {
    return this.options.logger
  }

  /** The state as `client.state` shows it. */
  get publicState(): ClientState {
    switch (this.state) {
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
  createConnection(options: ResolvedOptions = this.options): Connection {
    const connection = new Connection(options, {
      message: (message) => this.receive(message),
      lost: (error) => this.connectionLost(connection, error),
    })
    this.acks?.install(connection)
    if (this.options.reconnect && options.mqtt.outgoingStore === undefined) {
      const guard = new ResendGuard(connection.mqtt, this.options.reconnect.maxResends, this.logger)
      connection.mqtt.outgoingStore = new ResendStore(guard)
      keepPublishesOnForcedClose(connection.mqtt)
    }
    return connection
  }

  /** Makes `connection` (after a successful handshake) the current one. */
  attach(connection: Connection): void {
    this.connection = connection
    const assigned = connection.connack?.properties?.assignedClientIdentifier
    if (assigned) this.clientId = assigned
    this.quota.setLimit(connection.connack?.properties?.receiveMaximum)
    this.state = 'connected'
  }

  /** Routes an incoming message to the streams (held until the first one exists: see {@link EarlyMessages}). */
  receive(message: Message): void {
    this.acks?.received(message)
    if (!this.early.hold(message)) this.#route(message)
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
    if (this.state !== 'connected' || connection !== this.connection) return
    this.acks?.reset()
    if (this.options.reconnect) {
      this.state = 'reconnecting'
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
    this.logger?.info({ address: this.options.address, sessionPresent }, 'mqtt reconnected')
    this.events.emit({ type: 'connected', sessionPresent })
    this.gate.open()
  }

  /** The reconnector gave up (`maxAttempts`): everything ends with `error`. */
  gaveUp(error: MqttConnectionLostError): void {
    this.#reconnector = undefined
    if (this.state !== 'reconnecting') return
    this.logger?.warn({ address: this.options.address, error: error.message }, 'mqtt gave up reconnecting')
    this.#endAll(error)
  }

  /** Stops reconnecting and fails the calls waiting for it (the client is closing). */
  stopReconnecting(): void {
    this.#reconnector?.stop()
    this.#reconnector = undefined
    const closed = new MqttClientClosedError('the client was closed while the call waited for the connection')
    this.gate.fail(closed)
    this.quota.failAll(closed)
  }

  /** Remembers filters to UNSUBSCRIBE once reconnected (if the broker kept the session). */
  unsubscribeLater(filters: readonly string[]): void {
    for (const filter of filters) this.#unsubscribeLater.add(filter)
  }

  /** The filters remembered by {@link unsubscribeLater}, forgotten here. */
  takeUnsubscribeLeftovers(): string[] {
    const filters = [...this.#unsubscribeLater]
    this.#unsubscribeLater.clear()
    return filters
  }

  /**
   * The connection to send a call on.
   * @throws {@link MqttClientClosedError} after close, {@link MqttConnectionLostError} once the connection dropped.
   */
  usable(what: string): Connection {
    if (this.state === 'closing' || this.state === 'closed') {
      throw new MqttClientClosedError(`cannot ${what}: the client is ${this.state}`)
    }
    if (this.state === 'lost' && this.lostError) throw this.lostError
    const connection = this.connection
    if (this.state !== 'connected' || connection === undefined || !connection.open) {
      throw new MqttConnectionLostError(`cannot ${what}: not connected to ${this.options.address}`)
    }
    return connection
  }

  #endAll(error: MqttConnectionLostError): void {
    this.state = 'lost'
    this.lostError = error
    this.events.emit({ type: 'disconnected', cause: error, willReconnect: false })
    this.calls.failAll(error)
    this.gate.fail(error)
    this.quota.failAll(error)
    this.early.discard()
    this.router.endAll(error)
    this.subscriptions.endAll()
  }
}
