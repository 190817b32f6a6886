import type { Connection } from '../mqttjs/connection.js'
import { onHandleMessage, sendAcknowledgement } from '../mqttjs/mqtt-internals.js'
import type { DoneCallback, IPublishPacket } from '../mqttjs/types.js'
import type { Message } from './message.js'

/** What a message stream tells about the messages it holds (`ack: 'after-processing'`). */
export interface AckHooks {
  /** `holder` (a stream) took `message`: queued it or handed it to its reader. */
  hold(message: Message, holder: object): void
  /** `holder` is done with `message`: its reader asked for the next one, or it dropped or discarded it. */
  release(message: Message, holder: object): void
}

interface Ticket {
  readonly qos: 1 | 2
  readonly messageId: number
  /** The streams holding the message. */
  readonly holders: Set<object>
  /** `routing` until MQTT.js hands the acknowledgement over; `held` while streams hold it; then `done`. */
  state: 'routing' | 'held' | 'done'
  /** Sends the acknowledgement (if still on the connection it is due on); set in state `held`. */
  deferred: (() => void) | undefined
}

/** Tells MQTT.js to go on with the next packet without acknowledging this one (we will). */
const heldBack = Object.freeze(new Error('acknowledgement held back until the message is processed'))

/**
 * `ack: 'after-processing'`: holds back the PUBACK (QoS 1) / PUBREC (QoS 2) of each received
 * message until every stream that took it has released it. MQTT.js's `handleMessage` hook (QoS 1)
 * answers at once (so MQTT.js goes on reading packets — PINGRESP included, keepalive keeps working:
 * the trap of MQTT.js issue 1935 is to block that hook); so does the QoS 2 hook of
 * incoming-qos2.ts. The acknowledgement is sent later, on the connection the message came on only:
 * after a reconnection the broker sends unacknowledged messages again.
 */
export class AckTracker implements AckHooks {
  readonly #tickets = new WeakMap<Message, Ticket>()
  /** The ticket of the message being routed, until MQTT.js calls `handleMessage` for its packet. */
  #current: Ticket | undefined
  /** Tickets whose acknowledgement waits for the streams, by connection. */
  readonly #deferred = new Set<Ticket>()

  /** Installs the hook on a connection's MQTT.js client (before it connects). */
  install(connection: Connection): void {
    onHandleMessage(connection.mqtt, (packet, callback) => this.#handled(connection, packet, callback))
    connection.holdAcknowledgement = (messageId, processed) => this.#routedQoS2(messageId, processed)
  }

  /** A message is about to be routed to the streams. */
  received(message: Message): void {
    if (message.qos === 0 || message.messageId === undefined) return
    const ticket: Ticket = {
      qos: message.qos,
      messageId: message.messageId,
      holders: new Set(),
      state: 'routing',
      deferred: undefined,
    }
    this.#tickets.set(message, ticket)
    this.#current = ticket
  }

  hold(message: Message, holder: object): void {
    const ticket = this.#tickets.get(message)
    if (ticket !== undefined && ticket.state !== 'done') ticket.holders.add(holder)
  }

  release(message: Message, holder: object): void {
    const ticket = this.#tickets.get(message)
    if (ticket === undefined || !ticket.holders.delete(holder)) return
    if (ticket.holders.size === 0 && ticket.state === 'held') this.#settle(ticket)
  }

  /**
   * The connection dropped: held-back PUBACKs are void (the broker will send those messages again).
   * Held-back PUBRECs stay: incoming-qos2.ts remembers the message, so the broker's resend is not
   * delivered twice, and is answered once the message is processed.
   */
  reset(): void {
    for (const ticket of this.#deferred) {
      if (ticket.qos === 2) continue
      ticket.state = 'done'
      ticket.deferred = undefined
      this.#deferred.delete(ticket)
    }
    this.#current = undefined
  }

  /** A QoS 2 message was just routed: whether its streams hold it (then `processed` is called once they are done). */
  #routedQoS2(messageId: number, processed: () => void): boolean {
    const ticket = this.#current
    this.#current = undefined
    if (ticket === undefined || ticket.qos !== 2 || ticket.messageId !== messageId) return false
    if (ticket.holders.size === 0) {
      ticket.state = 'done'
      return false
    }
    ticket.deferred = processed
    ticket.state = 'held'
    this.#deferred.add(ticket)
    return true
  }

  #handled(connection: Connection, packet: IPublishPacket, callback: DoneCallback): void {
    const ticket = this.#current
    this.#current = undefined
    if (ticket === undefined || packet.qos !== 1 || ticket.messageId !== packet.messageId) {
      callback()
      return
    }
    if (ticket.holders.size === 0) {
      ticket.state = 'done'
      callback() // no stream holds it: MQTT.js acknowledges it now
      return
    }
    const epoch = connection.epoch
    ticket.deferred = () => {
      if (connection.epoch === epoch && connection.open) {
        sendAcknowledgement(connection.mqtt, 1, ticket.messageId)
      }
    }
    ticket.state = 'held'
    this.#deferred.add(ticket)
    callback(heldBack)
  }

  #settle(ticket: Ticket): void {
    const send = ticket.deferred
    ticket.state = 'done'
    ticket.deferred = undefined
    this.#deferred.delete(ticket)
    send?.()
  }
}
