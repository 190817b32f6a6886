import type {
  IClientPublishOptions,
  IClientSubscribeOptions,
  IConnackPacket,
  IPublishPacket,
  ISubscriptionMap,
  MqttClient,
  Packet,
} from 'mqtt'
import type { MqttConnectionLostError } from './errors.js'
import { IncomingQoS2 } from './incoming-qos2.js'
import { Message } from './message.js'
import type { Logger } from './options.js'
import { createMqttClient, type ResolvedOptions } from './resolve-options.js'
import { Topic } from './topic.js'
import { closedBeforeConnack, connectionLost, connectTimeout, toConnectError } from './translate-error.js'

/** What a {@link Connection} reports to the session that owns it. */
export interface ConnectionHandlers {
  /** A PUBLISH arrived (already acknowledged by MQTT.js as its QoS requires). */
  message(message: Message): void
  /** The connection dropped after CONNACK, not because we closed it. Called at most once. */
  lost(error: MqttConnectionLostError): void
}

/** Reports how a callback-style MQTT.js call ended. */
export type PacketDone = (error: unknown, packet?: Packet) => void

/**
 * One MQTT.js client: CONNECT to close. The only place (besides resolve-options and mqtt-internals)
 * that touches MQTT.js. A reconnecting session shakes hands again on the same Connection (same
 * MQTT.js client), so MQTT.js's stores resend unacknowledged QoS 1/2 packets on the new network
 * connection; MQTT.js itself never reconnects.
 */
export class Connection {
  readonly mqtt: MqttClient
  readonly protocolVersion: 3 | 4 | 5
  readonly #address: string
  readonly #handlers: ConnectionHandlers
  readonly #logger: Logger | undefined
  readonly #credentials: boolean
  #phase: 'new' | 'connecting' | 'open' | 'ending' | 'ended' = 'new'
  #lastError: unknown
  #onHandshake: ((error: unknown) => void) | undefined
  #closed: Promise<void>
  /** The topic of the last message received. */
  #lastTopic: Topic | undefined
  /** The broker's CONNACK, once connected. */
  connack: IConnackPacket | undefined
  /** How many handshakes succeeded; what was received on one network connection is acknowledged on it only. */
  epoch = 0
  /**
   * `ack: 'after-processing'` (set by the AckTracker): called right after a QoS 2 message was routed;
   * whether its PUBREC waits until the message is processed (then `processed` is called).
   */
  holdAcknowledgement: ((messageId: number, processed: () => void) => boolean) | undefined

  constructor(resolved: ResolvedOptions, handlers: ConnectionHandlers) {
    this.protocolVersion = resolved.protocolVersion
    this.#address = resolved.address
    this.#handlers = handlers
    this.#logger = resolved.logger
    this.#credentials = resolved.mqtt.username !== undefined || resolved.mqtt.password !== undefined
    this.mqtt = createMqttClient(resolved)
    const mqtt = this.mqtt
    mqtt.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) =>
      this.#message(topic, payload, packet),
    )
    // QoS 2 reception in place of MQTT.js's (which delivers on PUBREL and cannot hold the PUBREC):
    // installed on the MQTT.js client, whose hooks keep it.
    new IncomingQoS2(
      mqtt,
      {
        deliver: (topic, payload, packet) => this.#message(topic, payload, packet),
        hold: (messageId, processed) => this.holdAcknowledgement?.(messageId, processed) ?? false,
      },
      { clean: resolved.mqtt.clean !== false, protocolVersion: resolved.protocolVersion },
    )
    mqtt.on('error', (error) => this.#error(error))
    mqtt.on('disconnect', (packet) => {
      this.#lastError = Object.assign(new Error('the broker sent DISCONNECT'), {
        code: packet.reasonCode ?? 0,
      })
    })
    this.#closed = new Promise((resolve) => mqtt.once('close', resolve))
    mqtt.on('close', () => this.#close())
  }

  /** Whether CONNACK arrived and the connection has not dropped or been closed. */
  get open(): boolean {
    return this.#phase === 'open'
  }

  /** Sends CONNECT and resolves on a successful CONNACK; rejects with an {@link MqttConnectError}. */
  handshake(timeout: number, signal: AbortSignal | undefined): Promise<IConnackPacket> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    // Again (reconnecting): a failed attempt only closes its socket, keeping MQTT.js's stores.
    const again = this.epoch > 0
    if (again) {
      this.#lastError = undefined
      this.#closed = new Promise((resolve) => this.mqtt.once('close', resolve))
    }
    return new Promise((resolve, reject) => {
      const finish = (error: unknown, connack?: IConnackPacket) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.mqtt.removeListener('connect', onConnect)
        this.#onHandshake = undefined
        if (error === undefined && connack) {
          this.#phase = 'open'
          this.connack = connack
          this.epoch++
          resolve(connack)
        } else {
          if (again) this.drop()
          else this.destroy()
          reject(error)
        }
      }
      const onConnect = (connack: IConnackPacket) => finish(undefined, connack)
      const onAbort = () => finish(signal?.reason)
      const timer = setTimeout(() => finish(connectTimeout(this.#address, timeout, this.#lastError)), timeout)
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#onHandshake = (error) => finish(error)
      this.mqtt.once('connect', onConnect)
      this.#phase = 'connecting'
      this.#logger?.debug(
        { address: this.#address, protocolVersion: this.protocolVersion },
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

  /**
   * Graceful end: waits (within `timeout`) for MQTT.js's in-flight QoS 1/2, sends DISCONNECT and
   * waits for the socket to close; past the bound, destroys the socket. Never rejects.
   */
  async end(timeout: number): Promise<void> {
    if (this.#phase === 'ended' || this.#phase === 'new') {
      this.destroy()
      return
    }
    if (this.#phase !== 'ending') {
      this.#phase = 'ending'
      this.mqtt.end(false, {}, () => {})
    }
    let timer: NodeJS.Timeout | undefined
    const bound = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeout)
    })
    const outcome = await Promise.race([this.#closed, bound])
    clearTimeout(timer)
    if (outcome === 'late') {
      this.#logger?.warn(
        { address: this.#address, timeout },
        'mqtt graceful disconnect timed out; closing the socket',
      )
      this.destroy()
      await this.#closed
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
    return this.#phase === 'new' ? Promise.resolve() : this.#closed
  }

  #message(topic: string, payload: Buffer, packet: IPublishPacket): void {
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
      this.#logger?.warn({ error }, 'mqtt dropped a message with an invalid topic')
      return
    }
    this.#handlers.message(message)
  }

  #error(error: Error): void {
    this.#lastError = error
    if (this.#onHandshake) {
      this.#onHandshake(toConnectError(error, this.#address, this.#credentials))
      return
    }
    this.#logger?.debug({ address: this.#address, error: error.message }, 'mqtt connection error')
  }

  #close(): void {
    const phase = this.#phase
    this.#phase = 'ended'
    if (this.#onHandshake) this.#onHandshake(closedBeforeConnack(this.#address, this.#lastError))
    else if (phase === 'open') {
      this.#logger?.warn({ address: this.#address }, 'mqtt connection lost')
      this.#handlers.lost(connectionLost(this.#address, this.#lastError))
    }
  }
}
