import {
  interceptQoS2Publish,
  NoIncomingStore,
  type QoS2Reception,
  releaseIncomingQoS2,
  sendAcknowledgement,
  skipHeldPubrecs,
  useIncomingStore,
} from '../mqttjs/mqtt-internals.js'
import type { IPublishPacket, MqttClient, Packet } from '../mqttjs/types.js'

/** What {@link IncomingQoS2} needs from the connection it serves. */
export interface IncomingQoS2Handlers {
  /** Routes a new message (its topic alias resolved). */
  deliver(topic: string, payload: Buffer, packet: IPublishPacket): void
  /**
   * Called right after `deliver`: whether the PUBREC of `messageId` waits until the message is
   * processed (`ack: 'after-processing'` or `'manual'`); if so, `processed` is called once it is,
   * with the reason code of the PUBREC (≥ 0x80 when the program refused it: `message.reject()`).
   */
  hold(messageId: number, processed: (reasonCode: number) => void): boolean
}

/** A QoS 2 message received whose PUBREL has not come yet. */
interface Received {
  readonly topic: string
  readonly payload: Buffer
  /** `held`: its PUBREC waits until it is processed; `released`: its PUBREC may go. */
  state: 'held' | 'released'
  /** The network connection (counted by CONNACKs) on which a PUBLISH of it came last. */
  generation: number
}

/**
 * Receives QoS 2 messages in place of MQTT.js, which delivers them on PUBREL and sends PUBREC on
 * receipt. Here a message is delivered when its PUBLISH arrives (its topic alias resolved: MQTT.js
 * 5.16 leaves the topic of an aliased QoS 2 message empty), and its id is remembered until PUBREL:
 * - a PUBLISH of a remembered id with the same topic and payload is the broker sending it again:
 *   answered with PUBREC, not delivered twice (MQTT 5 §4.3.3, MQTT 3.1.1 §4.3.3);
 * - one with another topic or payload is a new message (the broker reused the id), delivered;
 * - PUBREL forgets the id (MQTT.js answers PUBCOMP), so its next use is a new message.
 * With `ack: 'after-processing'` the PUBREC itself waits until the message is processed, so a
 * consumer that dies while processing gets it again from the broker (a resent PUBLISH): holding
 * PUBCOMP instead would leave the broker resending PUBREL only, and the message lost.
 * A held PUBREC is sent on the network connection the message (or its latest resend) came on;
 * after a reconnection the broker sends the PUBLISH again, and the PUBREC goes once it is processed.
 */
export class IncomingQoS2 implements QoS2Reception {
  readonly #client: MqttClient
  readonly #handlers: IncomingQoS2Handlers
  /** Made by the first QoS 2 message: most clients never receive one. */
  #received: Map<number, Received> | undefined
  /** How many CONNACKs came: tells one network connection from the next. */
  #generation = 0
  /** Whether a session is resumed on CONNACK, as MQTT.js decides it (clean start, protocol version). */
  readonly #clean: boolean
  readonly #protocolVersion: number

  /**
   * Takes QoS 2 reception over from MQTT.js on `client` (before it connects). The owner hands it
   * every packet MQTT.js receives ({@link packetReceived}): one `packetreceive` listener per client.
   */
  constructor(
    client: MqttClient,
    handlers: IncomingQoS2Handlers,
    session: { clean: boolean; protocolVersion: number },
  ) {
    this.#client = client
    this.#handlers = handlers
    this.#clean = session.clean
    this.#protocolVersion = session.protocolVersion
    useIncomingStore(client, new NoIncomingStore())
    interceptQoS2Publish(client, this)
    skipHeldPubrecs(client, this)
  }

  /** MQTT.js received `packet` (its `packetreceive` event). */
  packetReceived(packet: Packet): void {
    if (packet.cmd === 'pubrel' && packet.messageId !== undefined) {
      this.#received?.delete(packet.messageId)
      releaseIncomingQoS2(this.#client, packet.messageId)
    } else if (packet.cmd === 'connack') {
      this.#generation++
      // As MQTT.js decides it: a session not resumed resends nothing, and reuses every id.
      const resumed = !this.#clean && (this.#protocolVersion < 4 || packet.sessionPresent === true)
      if (!resumed) this.#received = undefined
    }
  }

  /** MQTT.js hands over a QoS 2 PUBLISH (see `interceptQoS2Publish`). */
  publishArrived(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const messageId = packet.messageId
    if (messageId === undefined) return
    const known = this.#received?.get(messageId)
    if (known !== undefined && known.topic === topic && known.payload.equals(payload)) {
      known.generation = this.#generation // sent again: answered (PUBREC) on this connection
      return
    }
    const received: Received = { topic, payload, state: 'released', generation: this.#generation }
    this.#received ??= new Map()
    this.#received.set(messageId, received)
    this.#handlers.deliver(topic, payload, packet)
    // MQTT.js sends the PUBREC once this returns, unless the message is held by then.
    if (this.#handlers.hold(messageId, (reasonCode) => this.#processed(messageId, received, reasonCode)))
      received.state = 'held'
  }

  /** Whether MQTT.js must not send the PUBREC of `messageId` now (see `skipHeldPubrecs`). */
  pubrecHeld(messageId: number): boolean {
    return this.#received?.get(messageId)?.state === 'held'
  }

  #processed(messageId: number, received: Received, reasonCode: number): void {
    if (this.#received?.get(messageId) !== received || received.state !== 'held') return
    received.state = 'released'
    if (this.#client.connected && received.generation === this.#generation) {
      sendAcknowledgement(this.#client, 2, messageId, reasonCode)
      if (reasonCode >= 0x80) {
        // A refusing PUBREC ends the exchange (no PUBREL comes): the id is free again.
        this.#received?.delete(messageId)
        releaseIncomingQoS2(this.#client, messageId)
      }
    }
    // Refused while disconnected: the broker's resend is answered by MQTT.js (PUBREC 0x00).
  }
}
