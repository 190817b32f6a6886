import type { Connection } from '../mqttjs/connection.js'
import { onHandleMessage, sendAcknowledgement } from '../mqttjs/mqtt-internals.js'
import type { DoneCallback, IPublishPacket } from '../mqttjs/types.js'
import { attachReceipt, type Message } from './message.js'
import { checkRejectCode } from './reject-code.js'

/** What a message stream tells about the messages it holds (`ack: 'after-processing'` or `'manual'`). */
export interface AckHooks {
  /**
   * `'manual'`: a message handed to a reader is the program's to acknowledge (`message.ack()`),
   * so the stream lets go of it then, with {@link AckHooks.handOver}, instead of holding it until
   * its reader asks for the next one.
   */
  readonly manual: boolean
  /** `holder` (a stream) took `message`: queued it or handed it to its reader. */
  hold(message: Message, holder: object): void
  /** `holder` is done with `message`: its reader asked for the next one, or it dropped or discarded it. */
  release(message: Message, holder: object): void
  /** `'manual'`: `holder` handed `message` to the program, which holds it until it calls `ack()`. */
  handOver(message: Message, holder: object): void
}

interface Ticket {
  readonly qos: 1 | 2
  readonly messageId: number
  /** The streams holding the message. */
  readonly holders: Set<object>
  /** `routing` until MQTT.js hands the acknowledgement over; `held` while streams hold it; then `done`. */
  state: 'routing' | 'held' | 'done'
  /** Sends the acknowledgement (if still on the connection it is due on); set in state `held`. */
  deferred: ((reasonCode: number) => void) | undefined
  /** `'manual'`: whether the program acknowledged (or refused) it; later hand-overs do not hold it again. */
  answered: boolean
  /** The reason code to send: 0, or the one given to `message.reject()`. */
  reasonCode: number
}

/** Tells MQTT.js to go on with the next packet without acknowledging this one (we will). */
const heldBack = Object.freeze(new Error('acknowledgement held back until the message is processed'))

/**
 * `ack: 'after-processing'` and `ack: 'manual'`: holds back the PUBACK (QoS 1) / PUBREC (QoS 2) of each received
 * message until every stream that took it has released it. MQTT.js's `handleMessage` hook (QoS 1)
 * answers at once (so MQTT.js goes on reading packets — PINGRESP included, keepalive keeps working:
 * the trap of MQTT.js issue 1935 is to block that hook); so does the QoS 2 hook of
 * incoming-qos2.ts. The acknowledgement is sent later, on the connection the message came on only:
 * after a reconnection the broker sends unacknowledged messages again.
 */
export class AckTracker implements AckHooks {
  readonly manual: boolean
  /** The protocol version spoken (`message.reject()` needs MQTT 5). */
  readonly #protocolVersion: () => number
  readonly #tickets = new WeakMap<Message, Ticket>()
  /** The ticket of the message being routed, until MQTT.js calls `handleMessage` for its packet. */
  #current: Ticket | undefined
  /** Tickets whose acknowledgement waits for the streams, by connection. */
  readonly #deferred = new Set<Ticket>()

  /**
   * @param mode `'manual'`: the program acknowledges each message with `message.ack()` (see
   * {@link AckHooks.handOver}); `'after-processing'`: the streams release it.
   */
  constructor(mode: 'after-processing' | 'manual', protocolVersion: () => number) {
    this.manual = mode === 'manual'
    this.#protocolVersion = protocolVersion
  }

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
      answered: false,
      reasonCode: 0,
    }
    this.#tickets.set(message, ticket)
    if (this.manual) {
      attachReceipt(message, {
        ack: () => this.#answer(ticket, 0),
        reject: (reasonCode) => {
          checkRejectCode(reasonCode, this.#protocolVersion())
          this.#answer(ticket, reasonCode)
        },
      })
    }
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

  handOver(message: Message, holder: object): void {
    const ticket = this.#tickets.get(message)
    if (ticket === undefined) return
    // The program holds it (the ticket stands for it) until it answers; only once per message.
    if (!ticket.answered && ticket.state !== 'done') ticket.holders.add(ticket)
    this.release(message, holder)
  }

  /** `message.ack()` / `message.reject()`: the first answer counts. */
  #answer(ticket: Ticket, reasonCode: number): void {
    if (ticket.answered) return
    ticket.answered = true
    ticket.reasonCode = reasonCode
    if (!ticket.holders.delete(ticket)) return
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

  /**
   * A QoS 2 message was just routed: whether its streams hold it (then `processed` is called once
   * they are done, with the reason code of its PUBREC).
   */
  #routedQoS2(messageId: number, processed: (reasonCode: number) => void): boolean {
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
    ticket.deferred = (reasonCode) => {
      if (connection.epoch === epoch && connection.open) {
        sendAcknowledgement(connection.mqtt, 1, ticket.messageId, reasonCode)
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
    send?.(ticket.reasonCode)
  }
}
