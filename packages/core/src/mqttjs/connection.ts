import type {
  IClientPublishOptions,
  IClientSubscribeOptions,
  IConnackPacket,
  IDisconnectPacket,
  IPublishPacket,
  ISubscriptionMap,
  MqttClient,
  Packet,
} from 'mqtt'
import type { MqttConnectionLostError } from '../errors/errors.js'
import {
  brokerDisconnected,
  mqttJsViolation,
  parserViolation,
  violationAtConnect,
  violationLost,
} from '../errors/protocol-violation.js'
import { bracketIPv6 } from '../helpers/host.js'
import { onTimeoutOrAbort, settledWithin } from '../helpers/timers.js'
import { disconnectPacket, IncomingGuard, type IncomingViolation } from '../incoming/incoming-guard.js'
import { IncomingQoS2, type IncomingQoS2Handlers } from '../incoming/incoming-qos2.js'
import { Message } from '../incoming/message.js'
import { Topic } from '../incoming/topic.js'
import type { ResolvedOptions, ResolvedServer, TransportTarget } from '../options/resolved-options.js'
import { OutgoingTopicAliases } from '../outgoing/topic-aliases.js'
import { redirectCodes, type ServerRedirect } from '../reconnect/server-list.js'
import { createMqttClient } from './create-mqtt-client.js'
import { AuthChallengeFailure, challengeFailed, EnhancedAuth } from './enhanced-auth.js'
import {
  type AfterFilter,
  filterIncoming,
  type IncomingFilter,
  type IncomingFilterSource,
  ownerOf,
  pointAt,
  setOwner,
} from './mqtt-internals.js'
import { closedBeforeConnack, connectionLost, connectTimeout, toConnectError } from './translate-error.js'

/**
 * What a {@link Connection} reports to the session that owns it (the session itself: an object
 * with methods, not closures, since thousands of idle clients may share a process).
 */
export interface ConnectionHandlers {
  /** A PUBLISH arrived (already acknowledged by MQTT.js as its QoS requires). */
  receive(message: Message): void
  /** `connection` dropped after CONNACK, not because we closed it. Called at most once per CONNACK. */
  connectionLost(connection: Connection, error: MqttConnectionLostError): void
}

/**
 * The table of a connection whose broker takes no topic alias (Topic Alias Maximum 0, MQTT 3.1.1):
 * one for all, as it never changes (a publish with an alias is refused before it gets here).
 */
const noAliases = new OutgoingTopicAliases(0)
// The listeners of every MQTT.js client, shared (MQTT.js calls them with the client as `this`; its
// connection is found with ownerOf()), not a set of closures per connection. Set in Connection's
// static block, where they reach its private members.
let onMessage: (this: MqttClient, topic: string, payload: Buffer, packet: IPublishPacket) => void = () => {}
let onDisconnect: (this: MqttClient, packet: IDisconnectPacket) => void = () => {}
let onClose: (this: MqttClient) => void = () => {}
/** What the incoming filter calls after its own listeners, for packets and errors (see the constructor). */
let afterFilter: AfterFilter = { packetreceive() {}, error() {} }

/** Whether `server` logs in with a username or password (a refusal then says so). */
function hasCredentials(server: ResolvedServer): boolean {
  return server.mqtt.username !== undefined || server.mqtt.password !== undefined
}

/** Reports how a callback-style MQTT.js call ended. */
export type PacketDone = (error: unknown, packet?: Packet) => void

/**
 * One MQTT.js client: CONNECT to close. The only place (besides resolve-options and mqtt-internals)
 * that touches MQTT.js. A reconnecting session shakes hands again on the same Connection (same
 * MQTT.js client), so MQTT.js's stores resend unacknowledged QoS 1/2 packets on the new network
 * connection; MQTT.js itself never reconnects.
 */
export class Connection implements IncomingQoS2Handlers, IncomingFilterSource {
  // #private fields first, at most 15 with the brand: see "Per-client objects" in ARCHITECTURE.md.
  #server: ResolvedServer
  readonly #handlers: ConnectionHandlers
  /** Its logger, incoming packet size limit and topic alias mode. */
  readonly #options: ResolvedOptions
  /** A redirect (MQTT 5 0x9C/0x9D) in the last CONNACK or DISCONNECT of this network connection. */
  #redirect: ServerRedirect | undefined
  /** What the broker sent that made this client close the network connection (this connection only). */
  #violation: { violation: IncomingViolation; cause: unknown } | undefined
  /** The broker's DISCONNECT on this network connection: what arrives after it is not handled. */
  #disconnect: IDisconnectPacket | undefined
  #phase: 'new' | 'connecting' | 'open' | 'ending' | 'ended' = 'new'
  #lastError: unknown
  #onHandshake: ((error: unknown) => void) | undefined
  /** MQTT.js's client closed since it was made or last shook hands again. */
  #socketClosed = false
  /** Made when first awaited (an idle client keeps no promise and resolver): see {@link #whenClosed}. */
  #closed: { promise: Promise<void>; resolve: () => void } | undefined
  /** The topic of the last message received. */
  #lastTopic: Topic | undefined
  /** QoS 2 reception, in place of MQTT.js's. */
  readonly #qos2: IncomingQoS2
  /** MQTT 5 enhanced authentication (`auth`). */
  readonly #auth: EnhancedAuth | undefined
  readonly mqtt: MqttClient
  readonly protocolVersion: 3 | 4 | 5
  /** The broker's CONNACK, once connected. */
  connack: IConnackPacket | undefined
  /** The topic aliases set on the current network connection (a new table per CONNACK). */
  aliases: OutgoingTopicAliases = noAliases
  /** How many handshakes succeeded; what was received on one network connection is acknowledged on it only. */
  epoch = 0
  /**
   * `ack: 'after-processing'` (set by the AckTracker): called right after a QoS 2 message was routed;
   * whether its PUBREC waits until the message is processed (then `processed` is called).
   */
  holdAcknowledgement: ((messageId: number, processed: (reasonCode: number) => void) => boolean) | undefined
  /**
   * Keep the MQTT.js client when a first handshake fails (as after a successful one), to try again
   * (a client connecting in the background, or moving on to the next broker of a list).
   */
  keepOnFailure = false

  constructor(resolved: ResolvedOptions, handlers: ConnectionHandlers, server?: ResolvedServer) {
    this.protocolVersion = resolved.protocolVersion
    this.#server = server ?? { address: resolved.address, target: resolved.target, mqtt: resolved.mqtt }
    this.#handlers = handlers
    this.#options = resolved
    this.mqtt = createMqttClient(resolved, this)
    const mqtt = this.mqtt
    setOwner(mqtt, this)
    if (server !== undefined) this.useServer(server)
    // Its packet and error listeners are called from the filter's (which must come first).
    filterIncoming(mqtt, this, afterFilter)
    this.#auth = resolved.auth ? new EnhancedAuth(mqtt, resolved.auth) : undefined
    mqtt.on('message', onMessage)
    // QoS 2 reception in place of MQTT.js's (which delivers on PUBREL and cannot hold the PUBREC):
    // installed on the MQTT.js client, whose hooks keep it.
    this.#qos2 = new IncomingQoS2(mqtt, this, {
      clean: resolved.mqtt.clean !== false,
      protocolVersion: resolved.protocolVersion,
    })
    mqtt.on('disconnect', onDisconnect)
    mqtt.on('close', onClose)
  }

  static {
    // Inside the class body to reach its private members; `this` is the MQTT.js client.
    const onPacketReceive = function (this: MqttClient, packet: Packet): void {
      const connection = ownerOf(this) as Connection | undefined
      if (connection === undefined) return
      connection.#qos2.packetReceived(packet)
      if (packet.cmd !== 'connack' || !redirectCodes.has(packet.reasonCode ?? 0)) return
      connection.#redirect = {
        reasonCode: packet.reasonCode ?? 0,
        serverReference: packet.properties?.serverReference,
      }
    }
    onMessage = function (this: MqttClient, topic: string, payload: Buffer, packet: IPublishPacket): void {
      const connection = ownerOf(this) as Connection | undefined
      if (connection !== undefined) connection.#message(topic, payload, packet)
    }
    const onError = function (this: MqttClient, error: Error): void {
      const connection = ownerOf(this) as Connection | undefined
      if (connection !== undefined) connection.#error(error)
    }
    afterFilter = { packetreceive: onPacketReceive, error: onError }
    onDisconnect = function (this: MqttClient, packet: IDisconnectPacket): void {
      const connection = ownerOf(this) as Connection | undefined
      if (connection !== undefined) connection.#brokerDisconnect(packet)
    }
    onClose = function (this: MqttClient): void {
      const connection = ownerOf(this) as Connection | undefined
      if (connection === undefined) return
      connection.#socketClosed = true
      connection.#closed?.resolve()
      connection.#close()
    }
  }

  /** Resolves once MQTT.js's client closed (since it was made, or last shook hands again). */
  #whenClosed(): Promise<void> {
    if (this.#socketClosed) return Promise.resolve()
    if (this.#closed === undefined) {
      let resolve: () => void = () => {}
      const promise = new Promise<void>((settle) => {
        resolve = settle
      })
      this.#closed = { promise, resolve }
    }
    return this.#closed.promise
  }

  /** Where the next socket goes (the stream builder asks on every connection). */
  target(): TransportTarget {
    return this.#server.target
  }

  /** IncomingQoS2: routes a new QoS 2 message (its topic alias resolved). */
  deliver(topic: string, payload: Buffer, packet: IPublishPacket): void {
    this.#message(topic, payload, packet)
  }

  /** IncomingQoS2: whether the PUBREC of `messageId` waits until the message is processed. */
  hold(messageId: number, processed: (reasonCode: number) => void): boolean {
    return this.holdAcknowledgement?.(messageId, processed) ?? false
  }

  /** The broker this connection goes to (or went to), credential-free: `mqtt://host:1883`. */
  get address(): string {
    return this.#server.address
  }

  /** The broker this connection goes to. */
  get server(): ResolvedServer {
    return this.#server
  }

  /**
   * The MQTT 5 redirect (0x9C Use another server, 0x9D Server moved) of the last handshake's
   * CONNACK or of the broker's DISCONNECT, if any.
   */
  get redirect(): ServerRedirect | undefined {
    return this.#redirect
  }

  /**
   * Points the next handshake at another broker, keeping MQTT.js's client and its stores (its
   * unacknowledged QoS 1/2 publishes are resent there). Only between network connections.
   */
  useServer(server: ResolvedServer): void {
    this.#server = server
    const websockets = server.target.transport === 'websockets'
    pointAt(this.mqtt, {
      ...server.mqtt,
      ...(websockets
        ? { hostname: bracketIPv6(server.target.hostname), path: server.target.websocketPath }
        : {}),
    })
  }

  /** Whether CONNACK arrived and the connection has not dropped or been closed. */
  get open(): boolean {
    return this.#phase === 'open'
  }

  /** Sends CONNECT and resolves on a successful CONNACK; rejects with an {@link MqttConnectError}. */
  handshake(timeout: number, signal: AbortSignal | undefined): Promise<IConnackPacket> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    // Again (reconnecting): a failed attempt only closes its socket, keeping MQTT.js's stores.
    const again = this.epoch > 0 || this.keepOnFailure
    this.#redirect = undefined
    if (again) {
      this.#lastError = undefined
      this.#violation = undefined
      this.#disconnect = undefined
      this.#socketClosed = false
      this.#closed = undefined
    }
    return new Promise((resolve, reject) => {
      const finish = (error: unknown, connack?: IConnackPacket) => {
        disarm()
        this.mqtt.removeListener('connect', onConnect)
        this.#onHandshake = undefined
        if (error === undefined && connack) {
          this.#phase = 'open'
          this.connack = connack
          const maximum = connack.properties?.topicAliasMaximum ?? 0
          this.aliases =
            maximum > 0 ? new OutgoingTopicAliases(maximum, this.#options.topicAliases) : noAliases
          this.epoch++
          resolve(connack)
        } else {
          if (again) this.drop()
          else this.destroy()
          reject(error)
        }
      }
      const onConnect = (connack: IConnackPacket) => finish(undefined, connack)
      const disarm = onTimeoutOrAbort(
        timeout,
        signal,
        () => finish(connectTimeout(this.#server.address, timeout, this.#lastError)),
        (reason) => finish(reason),
      )
      this.#onHandshake = (error) => finish(error)
      this.mqtt.once('connect', onConnect)
      this.#phase = 'connecting'
      this.#options.logger?.debug(
        { address: this.#server.address, protocolVersion: this.protocolVersion },
        'mqtt connecting',
      )
      this.mqtt.connect()
    })
  }

  publish(topic: string, payload: Buffer, options: IClientPublishOptions, done: PacketDone): void {
    this.mqtt.publish(topic, payload, options, done)
  }

  subscribe(
    subscriptions: ISubscriptionMap,
    options: Partial<IClientSubscribeOptions>,
    done: PacketDone,
  ): void {
    this.mqtt.subscribe(subscriptions, options as IClientSubscribeOptions, (error, _granted, packet) => {
      const suback = packet ?? (error as { packet?: Packet } | null)?.packet
      done(suback ? undefined : error, suback)
    })
  }

  unsubscribe(
    filters: string[],
    properties: { userProperties?: Record<string, string | string[]> },
    done: PacketDone,
  ): void {
    const options = this.protocolVersion === 5 && properties.userProperties ? { properties } : {}
    this.mqtt.unsubscribe(filters, options, (error, packet) => done(error, packet))
  }

  /** Whether a re-authentication waits for the broker's verdict. */
  get reauthenticating(): boolean {
    return this.#auth?.reauthenticating === true
  }

  /**
   * Re-authenticates (AUTH 0x19 with `data`, then the broker's challenges): `done` is called on its
   * AUTH 0x00, or with the error that ended it (a failed challenge handler, the connection lost).
   * Only with `auth` set.
   */
  reauthenticate(data: Uint8Array | undefined, done: (error?: unknown) => void): void {
    if (this.#auth === undefined) done(new Error('enhanced authentication is not set up'))
    else this.#auth.reauthenticate(data, done)
  }

  /**
   * Graceful end: waits (within `timeout`) for MQTT.js's in-flight QoS 1/2, sends DISCONNECT and
   * waits for the socket to close; past the bound, destroys the socket. Never rejects.
   * @param disconnect the DISCONNECT's MQTT 5 reason code and properties (checked by the caller)
   */
  async end(
    timeout: number,
    disconnect: { reasonCode?: number; properties?: IDisconnectPacket['properties'] } = {},
  ): Promise<void> {
    if (this.#phase === 'ended' || this.#phase === 'new') {
      this.destroy()
      return
    }
    if (this.#phase !== 'ending') {
      this.#phase = 'ending'
      this.mqtt.end(false, disconnect, () => {})
    }
    if (!(await settledWithin(this.#whenClosed(), timeout))) {
      this.#options.logger?.warn(
        { address: this.#server.address, timeout },
        'mqtt graceful disconnect timed out; closing the socket',
      )
      this.destroy()
      await this.#whenClosed()
    }
  }

  /** Closes the socket at once, no DISCONNECT (the broker publishes the will). Idempotent. */
  destroy(): void {
    if (this.mqtt.stream === undefined) {
      this.#phase = 'ended'
      return
    }
    if (this.#phase === 'open' || this.#phase === 'connecting') this.#phase = 'ending'
    if (this.mqtt.disconnecting) this.mqtt.stream.destroy()
    else this.mqtt.end(true)
  }

  /**
   * Closes the network connection but keeps the MQTT.js client and its stores for another
   * handshake (no DISCONNECT; the session is not told it was lost). Idempotent.
   */
  drop(): void {
    if (this.#phase === 'open' || this.#phase === 'connecting') this.#phase = 'ending'
    const stream = this.mqtt.stream
    if (stream !== undefined && !stream.destroyed) stream.destroy()
  }

  /** Resolves once the socket is closed. */
  get closed(): Promise<void> {
    return this.#phase === 'new' ? Promise.resolve() : this.#whenClosed()
  }

  #message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    // Sent after the broker's DISCONNECT, in the same read: not a message (and never acknowledged).
    if (this.#disconnect !== undefined) return
    let message: Message
    try {
      // Messages on one topic share its Topic (immutable): checked and made once per run of them.
      if (this.#lastTopic?.value !== topic) this.#lastTopic = new Topic(topic)
      message = new Message({
        topic: this.#lastTopic,
        payload,
        qos: packet.qos,
        retain: packet.retain,
        dup: packet.dup,
        messageId: packet.messageId,
        properties: packet.properties,
      })
    } catch (error) {
      this.#options.logger?.warn({ error }, 'mqtt dropped a message with an invalid topic')
      return
    }
    this.#handlers.receive(message)
  }

  #error(error: Error): void {
    if (this.#violation !== undefined) return
    this.#lastError = error
    if (error instanceof AuthChallengeFailure) {
      // MQTT.js closes the connection; this says why to the connect or re-authentication waiting.
      const handshaking = this.#onHandshake
      const failed = challengeFailed(this.#server.address, error, handshaking === undefined)
      if (handshaking) handshaking(failed)
      else this.#auth?.fail(failed)
      return
    }
    const violation = this.#phase === 'open' ? mqttJsViolation(error) : undefined
    if (violation !== undefined) {
      this.refuse(violation, error)
      return
    }
    if (this.#onHandshake) {
      this.#onHandshake(toConnectError(error, this.#server.address, hasCredentials(this.#server)))
      return
    }
    this.#options.logger?.debug(
      { address: this.#server.address, error: error.message },
      'mqtt connection error',
    )
  }

  #close(): void {
    const phase = this.#phase
    this.#phase = 'ended'
    const violation = this.#violation
    if (this.#onHandshake) {
      this.#onHandshake(
        violation
          ? violationAtConnect(this.#server.address, violation.violation, violation.cause)
          : closedBeforeConnack(this.#server.address, this.#lastError),
      )
    } else if (phase === 'open') {
      this.#options.logger?.warn({ address: this.#server.address }, 'mqtt connection lost')
      const lost = violation
        ? violationLost(this.#server.address, violation.violation, violation.cause)
        : this.#disconnect
          ? brokerDisconnected(this.#server.address, this.#disconnect)
          : connectionLost(this.#server.address, this.#lastError)
      this.#auth?.fail(lost)
      this.#handlers.connectionLost(this, lost)
    } else {
      this.#auth?.fail(connectionLost(this.#server.address, this.#lastError))
    }
  }

  /** Checks every byte the broker sends on one network connection before MQTT.js parses it. */
  createIncomingFilter(): IncomingFilter {
    return new GuardedIncoming(this.protocolVersion, this.#options.maxIncomingPacketSize, this)
  }

  /**
   * The broker broke the protocol: closes the network connection at once, after a DISCONNECT with
   * the reason code under MQTT 5 (MQTT 5 §4.13). Nothing more it sent is parsed. The loss is
   * reported when the socket closes, as any other.
   */
  refuse(violation: IncomingViolation, cause?: unknown): void {
    if (this.#violation !== undefined || this.#disconnect !== undefined) return
    this.#violation = { violation, cause }
    this.#options.logger?.warn(
      { address: this.#server.address, reasonCode: violation.reasonCode, reason: violation.reason },
      'mqtt broker broke the protocol; closing the connection',
    )
    const stream = this.mqtt.stream
    if (stream === undefined || stream.destroyed) return
    if (this.protocolVersion !== 5 || !stream.writable) {
      stream.destroy()
      return
    }
    // DISCONNECT goes out after what is already written (writes may be held for a moment), then
    // the socket closes; a broker that does not read gets its socket closed within a second.
    const destroy = () => {
      clearTimeout(timer)
      if (!stream.destroyed) stream.destroy()
    }
    const timer = setTimeout(destroy, 1_000)
    stream.once('finish', destroy)
    stream.once('close', destroy)
    stream.end(disconnectPacket(violation.reasonCode))
  }

  /** The broker sent DISCONNECT: the connection is over even if its socket stays open. */
  #brokerDisconnect(packet: IDisconnectPacket): void {
    if (this.#violation !== undefined || this.#disconnect !== undefined) return
    this.#disconnect = packet
    const reasonCode = packet.reasonCode ?? 0
    if (redirectCodes.has(reasonCode)) {
      this.#redirect = { reasonCode, serverReference: packet.properties?.serverReference }
    }
    const stream = this.mqtt.stream
    if (stream !== undefined && !stream.destroyed) stream.destroy()
  }
}

/** The {@link IncomingFilter} of one network connection: its {@link IncomingGuard}'s verdicts (one object). */
class GuardedIncoming extends IncomingGuard implements IncomingFilter {
  readonly #connection: Connection
  #found: IncomingViolation | undefined
  /** Once refused, nothing more from this connection is parsed (the parser would start afresh). */
  #stopped = false

  constructor(protocolVersion: 3 | 4 | 5, maxPacketSize: number, connection: Connection) {
    super(protocolVersion, maxPacketSize)
    this.#connection = connection
  }

  accept(chunk: Uint8Array): Uint8Array {
    if (this.#stopped) return chunk.subarray(0, 0)
    const verdict = this.check(chunk)
    this.#found = verdict.violation
    return verdict.accepted
  }

  parsed(): void {
    const violation = this.#found
    this.#found = undefined
    if (violation === undefined) return
    this.#stopped = true
    this.#connection.refuse(violation)
  }

  parseError(error: Error): void {
    this.#stopped = true
    this.#connection.refuse(parserViolation(error), error)
  }
}
