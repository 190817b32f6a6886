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

/**
 * MQTT.js's in-memory outgoing store, storing every QoS 1/2 PUBLISH with the DUP flag set: the
 * stored copy is only ever sent again (after a reconnection), and a resent PUBLISH must carry DUP
 * (MQTT 3.1.1 §3.3.1.1, MQTT 5 §3.3.1.1). The first transmission uses the caller's packet, unflagged.
 */
export class ResendStore extends mqtt.Store {
  override put(packet: Packet, callback: DoneCallback): this {
    return super.put(packet.cmd === 'publish' ? { ...packet, dup: true } : packet, callback)
  }
}
