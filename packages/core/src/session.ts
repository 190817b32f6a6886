import { Connection } from './connection.js'
import { MqttClientClosedError, MqttConnectionLostError } from './errors.js'
import type { Message } from './message.js'
import { OutgoingCalls } from './outgoing-calls.js'
import type { ResolvedOptions } from './resolve-options.js'
import { Router } from './router.js'
import type { ActiveSubscription } from './subscription.js'
import { SubscriptionRegistry } from './subscription-registry.js'

/** Where a client is in its life. Held here and nowhere else. */
export type SessionState = 'connecting' | 'connected' | 'lost' | 'closing' | 'closed'

/**
 * The state behind a {@link Client}: options, the current connection, the message router, the calls
 * in flight and the subscriptions. Streams and subscriptions belong to the session, not to the
 * MQTT.js client, so a reconnecting session can swap its {@link Connection} and keep them.
 */
export class Session {
  readonly options: ResolvedOptions
  readonly router = new Router()
  readonly calls: OutgoingCalls
  readonly subscriptions = new SubscriptionRegistry<ActiveSubscription>()
  state: SessionState = 'connecting'
  connection: Connection | undefined
  /** Why the connection was lost (state `lost`). */
  lostError: MqttConnectionLostError | undefined
  /** The client id in use (the broker may assign one under MQTT 5). */
  clientId: string

  constructor(options: ResolvedOptions) {
    this.options = options
    this.calls = new OutgoingCalls(options.maxConcurrentOutgoingCalls)
    this.clientId = options.mqtt.clientId ?? ''
  }

  get protocolVersion(): 3 | 4 | 5 {
    return this.connection?.protocolVersion ?? this.options.protocolVersion
  }

  get logger() {
    return this.options.logger
  }

  /** A new connection (not yet connected) whose messages and loss are reported to this session. */
  createConnection(options: ResolvedOptions = this.options): Connection {
    return new Connection(options, {
      message: (message) => this.receive(message),
      lost: (error) => this.connectionLost(error),
    })
  }

  /** Makes `connection` (after a successful handshake) the current one. */
  attach(connection: Connection): void {
    this.connection = connection
    const assigned = connection.connack?.properties?.assignedClientIdentifier
    if (assigned) this.clientId = assigned
    this.state = 'connected'
  }

  /** Routes an incoming message to the streams. */
  receive(message: Message): void {
    this.router.route(message)
  }

  /**
   * The connection dropped. Default policy (no `reconnect` option): every pending call and every
   * stream ends with `error`, and the client stays unusable until closed. The reconnect policy
   * replaces this: keep streams and subscriptions, swap the connection, resubscribe.
   */
  connectionLost(error: MqttConnectionLostError): void {
    if (this.state === 'connected') {
      this.state = 'lost'
      this.lostError = error
    }
    this.calls.failAll(error)
    this.router.endAll(error)
    this.subscriptions.endAll()
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
}
