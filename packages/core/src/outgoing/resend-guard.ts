import { MqttUndeliverableError } from '../errors/undeliverable-error.js'
import { abandonOutgoing, type ResendStoreWatcher } from '../mqttjs/mqtt-internals.js'
import type { IDisconnectPacket, IPublishPacket, MqttClient, Packet } from '../mqttjs/types.js'
import type { Logger } from '../options/client-options.js'

/**
 * Poison protection for a reconnecting session. A broker answers a PUBLISH it cannot accept
 * (malformed topic, too large, protocol error) by closing the connection; MQTT.js keeps the
 * message in its outgoing store and resends it, first, after every reconnection, so the broker
 * closes again: the connection never comes back and nothing behind it gets through.
 *
 * The guard counts, per stored PUBLISH, its resends after which the connection dropped before an
 * acknowledgement. Once that count reaches `maxResends`, the next CONNACK gives the message up
 * before the store is resent: its call rejects with {@link MqttUndeliverableError} and the other
 * stored messages go out. Only resends count: on the first transmission several messages may be in
 * flight when the connection drops, but MQTT.js resends the store one packet at a time (each once
 * the previous one is acknowledged), so a drop during a resend is blamed on the one packet in
 * flight, never on the messages queued behind it. A resend is recognised by identity: the store
 * holds its own copy of each PUBLISH, and only resends send that copy.
 */
export class ResendGuard implements ResendStoreWatcher {
  readonly #client: MqttClient
  readonly #maxResends: number
  readonly #logger: Logger | undefined
  /** The stored copy of each unacknowledged PUBLISH, by packet identifier. */
  readonly #stored = new Map<number, IPublishPacket>()
  /** Per stored PUBLISH: resends after which the connection dropped before an acknowledgement. */
  readonly #failedResends = new Map<number, number>()
  /** Packet identifiers resent on the current network connection. */
  readonly #resent = new Set<number>()
  #lastReasonCode: number | undefined
  #reasonCode: number | undefined

  constructor(client: MqttClient, maxResends: number, logger?: Logger) {
    this.#client = client
    this.#maxResends = maxResends
    this.#logger = logger
    client.on('packetsend', (packet: Packet) => {
      if (packet.cmd === 'publish' && packet.messageId !== undefined) {
        if (this.#stored.get(packet.messageId) === packet) this.#resent.add(packet.messageId)
      }
    })
    client.on('disconnect', (packet: IDisconnectPacket) => {
      this.#lastReasonCode = packet.reasonCode
    })
    client.on('close', () => this.#connectionClosed())
  }

  stored(packet: Packet): void {
    if (packet.messageId === undefined) return
    if (packet.cmd === 'publish') {
      this.#stored.set(packet.messageId, packet)
      this.#failedResends.set(packet.messageId, 0)
    } else this.removed(packet.messageId) // PUBREL: the broker accepted the PUBLISH
  }

  removed(messageId: number): void {
    this.#stored.delete(messageId)
    this.#failedResends.delete(messageId)
    this.#resent.delete(messageId)
  }

  resending(): void {
    for (const [messageId, failed] of this.#failedResends) {
      if (failed >= this.#maxResends) this.#giveUp(messageId, failed + 1)
    }
  }

  #connectionClosed(): void {
    for (const messageId of this.#resent) {
      const failed = this.#failedResends.get(messageId)
      if (failed !== undefined) this.#failedResends.set(messageId, failed + 1)
    }
    this.#resent.clear()
    this.#reasonCode = this.#lastReasonCode
    this.#lastReasonCode = undefined
  }

  #giveUp(messageId: number, sends: number): void {
    const topic = this.#stored.get(messageId)?.topic ?? ''
    const reasonCode = this.#reasonCode
    const reason =
      reasonCode === undefined ? '' : ` (last DISCONNECT reason code 0x${reasonCode.toString(16)})`
    const error = new MqttUndeliverableError(
      `publish to ${JSON.stringify(topic)} was given up: the connection dropped each of the ${sends} times it was sent, before an acknowledgement${reason}; the broker likely refuses it (malformed, too large or not allowed). See reconnect.maxResends.`,
      { topic, messageId, sends, reasonCode },
    )
    this.#logger?.warn(
      { topic, messageId, sends, reasonCode },
      'mqtt gave up a publish the broker keeps refusing',
    )
    this.removed(messageId)
    abandonOutgoing(this.#client, messageId, error)
  }
}
