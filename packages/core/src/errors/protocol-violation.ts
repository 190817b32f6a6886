import type { IncomingViolation } from '../incoming/incoming-guard.js'
import type { IDisconnectPacket } from '../mqttjs/types.js'
import { MqttConnectError, MqttConnectionLostError } from './errors.js'
import { isFailure, ReasonCode, reasonName } from './reason-codes.js'

/**
 * Errors for a connection that ended because of what the broker sent: a DISCONNECT, or a packet
 * that broke the protocol (which this client detected, and closed the connection for).
 */

/** DISCONNECT reason codes for a broken packet: malformed, protocol error, receive maximum exceeded, topic alias invalid, too large. */
const disconnectCodes = new Set<number>([
  ReasonCode.MalformedPacket,
  ReasonCode.ProtocolError,
  ReasonCode.ReceiveMaximumExceeded,
  ReasonCode.TopicAliasInvalid,
  ReasonCode.PacketTooLarge,
])

const hex = (code: number) => `0x${code.toString(16).padStart(2, '0')}`

/** A violation found by MQTT.js's packet parser (a body it cannot decode): a Malformed Packet. */
export function parserViolation(error: Error): IncomingViolation {
  return {
    reasonCode: ReasonCode.MalformedPacket,
    reason: `a packet that cannot be decoded (${error.message})`,
  }
}

/**
 * A violation MQTT.js reported as an error event (a protocol error in a packet it decoded, such as
 * a duplicate CONNACK or an invalid topic alias), or undefined for an error of another kind.
 */
export function mqttJsViolation(error: Error): IncomingViolation | undefined {
  const code = (error as { code?: unknown }).code
  if (typeof code === 'number' && isFailure(code)) {
    // Kept when it is a DISCONNECT reason code for such a case; any other becomes Protocol Error.
    const reasonCode = disconnectCodes.has(code)
      ? (code as IncomingViolation['reasonCode'])
      : ReasonCode.ProtocolError
    return { reasonCode, reason: error.message }
  }
  if (error.message.startsWith('Protocol error'))
    return { reasonCode: ReasonCode.ProtocolError, reason: error.message }
  return undefined
}

/** The connection ended because the broker broke the protocol after CONNACK. */
export function violationLost(
  address: string,
  violation: IncomingViolation,
  cause?: unknown,
): MqttConnectionLostError {
  const { reasonCode, reason } = violation
  return new MqttConnectionLostError(
    `the client closed the connection to ${address}: the broker sent ${reason} (${reasonName(reasonCode)}, ${hex(reasonCode)})`,
    { closedBy: 'client', reasonCode, cause },
  )
}

/** The broker broke the protocol before (or in) CONNACK. */
export function violationAtConnect(
  address: string,
  violation: IncomingViolation,
  cause?: unknown,
): MqttConnectError {
  const { reasonCode, reason } = violation
  return new MqttConnectError(
    `${address} broke the protocol: it sent ${reason} (${reasonName(reasonCode)}, ${hex(reasonCode)})`,
    'protocol-error',
    undefined,
    { cause },
  )
}

/** The broker sent DISCONNECT after CONNACK (MQTT 5 reason code; 0 under MQTT 3.1.1, where it never should). */
export function brokerDisconnected(address: string, packet: IDisconnectPacket): MqttConnectionLostError {
  const reasonCode = packet.reasonCode ?? 0
  const reasonString = packet.properties?.reasonString
  return new MqttConnectionLostError(
    `the connection to ${address} was lost (the broker sent DISCONNECT: ${reasonName(reasonCode)}, ${hex(reasonCode)})`,
    { closedBy: 'broker', reasonCode, reasonString },
  )
}
