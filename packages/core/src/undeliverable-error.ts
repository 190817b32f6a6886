import { MqttError, type MqttErrorOptions } from './errors.js'

/** What {@link MqttUndeliverableError} knows about the message it gave up. */
export interface UndeliverableDetails {
  /** The topic the message was published to. */
  topic: string
  /** The packet identifier it used. */
  messageId: number
  /** How many times it was sent (the first time and every resend) before being given up. */
  sends: number
  /** The reason code of the broker's last DISCONNECT (MQTT 5), when it sent one before closing. */
  reasonCode: number | undefined
}

/**
 * A QoS 1/2 publish was given up: the connection dropped every time it was sent, `reconnect.maxResends`
 * times in a row, without an acknowledgement. A broker closes the connection on a PUBLISH it cannot
 * accept (malformed, too large, a protocol error) instead of answering it, so resending such a
 * message after every reconnection would take the connection down forever; it is removed from the
 * resend queue instead and the other messages go on. Code `UNDELIVERABLE`.
 * @example
 * try { await client.publish(topic, payload, { qos: 1 }) }
 * catch (error) { if (error instanceof MqttUndeliverableError) console.warn(error.topic, error.sends) }
 */
export class MqttUndeliverableError extends MqttError {
  override name = 'MqttUndeliverableError'
  /** The topic the message was published to. */
  readonly topic: string
  /** The packet identifier it used. */
  readonly messageId: number
  /** How many times it was sent before being given up. */
  readonly sends: number
  /** The reason code of the broker's last DISCONNECT (MQTT 5), if it sent one. */
  readonly reasonCode: number | undefined

  constructor(message: string, details: UndeliverableDetails, options: MqttErrorOptions = {}) {
    super(message, 'UNDELIVERABLE', options)
    this.topic = details.topic
    this.messageId = details.messageId
    this.sends = details.sends
    this.reasonCode = details.reasonCode
  }
}
