import mqtt, { type DoneCallback, type MqttClient, type Packet } from 'mqtt'

/**
 * The few places where this library reaches past MQTT.js's public API, gathered in one file so an
 * MQTT.js upgrade has one place to check (test/unit/mqtt-internals.test.ts fails if they disappear):
 * - `_sendPacket`: sends a PUBACK/PUBCOMP that `ack: 'after-processing'` held back;
 * - `_releaseIncomingQoS2Publish`: frees the receive-maximum slot of a held-back QoS 2 message;
 * - `_flush`: on a forced close (keepalive or CONNACK timeout) MQTT.js fails every unacknowledged
 *   publish when `reconnectPeriod` is 0, although its store resends them on the next connection; a
 *   reconnecting session keeps those calls waiting instead (its own timeouts still bound them).
 */
interface MqttInternals {
  _sendPacket(packet: Packet, callback?: DoneCallback): void
  _releaseIncomingQoS2Publish?(messageId: number): void
  _flush(): void
}

function internals(client: MqttClient): MqttInternals {
  return client as unknown as MqttInternals
}

/** Whether this MQTT.js version still has the internals used here. */
export function hasMqttInternals(client: MqttClient): boolean {
  const inner = internals(client)
  return typeof inner._sendPacket === 'function' && typeof inner._flush === 'function'
}

/** Keeps MQTT.js from failing unacknowledged publishes when the connection is cut (see above). */
export function keepPublishesOnForcedClose(client: MqttClient): void {
  internals(client)._flush = () => {}
}

/** Sends a held-back acknowledgement of message `messageId` on the current connection. */
export function sendAcknowledgement(client: MqttClient, qos: 1 | 2, messageId: number): void {
  if (qos === 2) internals(client)._releaseIncomingQoS2Publish?.(messageId)
  const packet = (
    qos === 1 ? { cmd: 'puback', messageId, reasonCode: 0 } : { cmd: 'pubcomp', messageId }
  ) as Packet
  internals(client)._sendPacket(packet)
}

/** Frees the receive-maximum slot of a QoS 2 message whose PUBCOMP will never be sent on this connection. */
export function releaseIncomingQoS2(client: MqttClient, messageId: number): void {
  internals(client)._releaseIncomingQoS2Publish?.(messageId)
}

type StoreCallback = Parameters<mqtt.Store['del']>[1]

/** What a {@link ResendStore} tells its watcher (the resend guard). */
export interface ResendStoreWatcher {
  /**
   * A packet was stored: the copy of a QoS 1/2 PUBLISH (the very object MQTT.js resends), or the
   * PUBREL replacing it once PUBREC arrived.
   */
  stored(packet: Packet): void
  /** The packet with this identifier left the store (acknowledged or given up). */
  removed(messageId: number): void
  /** A CONNACK arrived and MQTT.js is about to resend what the store holds. */
  resending(): void
}

/**
 * MQTT.js's in-memory outgoing store, storing every QoS 1/2 PUBLISH with the DUP flag set: the
 * stored copy is only ever sent again (after a reconnection), and a resent PUBLISH must carry DUP
 * (MQTT 3.1.1 §3.3.1.1, MQTT 5 §3.3.1.1). The first transmission uses the caller's packet, unflagged.
 * Relies on MQTT.js calling `createStream()` once per CONNACK, just before it resends the store
 * one packet at a time (each after the previous one was acknowledged).
 */
export class ResendStore extends mqtt.Store {
  readonly #watcher: ResendStoreWatcher | undefined

  constructor(watcher?: ResendStoreWatcher) {
    super()
    this.#watcher = watcher
  }

  override put(packet: Packet, callback: DoneCallback): this {
    const stored = packet.cmd === 'publish' ? { ...packet, dup: true } : packet
    this.#watcher?.stored(stored)
    return super.put(stored, callback)
  }

  override del(packet: Pick<Packet, 'messageId'>, callback: StoreCallback): this {
    if (packet.messageId !== undefined) this.#watcher?.removed(packet.messageId)
    return super.del(packet, callback)
  }

  override createStream(): ReturnType<mqtt.Store['createStream']> {
    this.#watcher?.resending()
    return super.createStream()
  }
}

/**
 * Fails an unacknowledged QoS 1/2 publish with `error` and forgets it: out of the outgoing store
 * (never resent), its packet identifier freed. Goes through MQTT.js's `removeOutgoingMessage`, which
 * calls the callback registered in `outgoing[messageId]`; that callback is swapped for one passing
 * `error` on, since MQTT.js would pass a plain `Error('Message removed')`.
 */
export function abandonOutgoing(client: MqttClient, messageId: number, error: Error): void {
  const entry = client.outgoing[messageId]
  if (entry === undefined) {
    client.outgoingStore.del({ messageId } as Packet, () => {})
    return
  }
  const callback = entry.cb
  entry.cb = () => callback(error)
  client.removeOutgoingMessage(messageId)
}
