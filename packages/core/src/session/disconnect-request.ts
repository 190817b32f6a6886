import { describeValue } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'
import { ReasonCode, reasonName } from '../errors/reason-codes.js'
import type { UserProperties } from '../options/client-options.js'
import { checkUserProperties, requireMqtt5 } from '../validation/checks.js'
import { checkMqttString } from '../validation/mqtt-strings.js'

/**
 * MQTT 5 DISCONNECT properties a client may send (section 3.14.2.2).
 * @example
 * await client.close({ properties: { sessionExpiryInterval: 0, reasonString: 'shutting down' } })
 */
export interface DisconnectProperties {
  /**
   * A new Session Expiry Interval in seconds, replacing the one of CONNECT: `0` ends the session
   * now. Refused when the client connected with 0 (the default): MQTT 5 forbids raising it then.
   */
  sessionExpiryInterval?: number
  /** A human-readable note for the broker's logs. */
  reasonString?: string
  userProperties?: UserProperties
}

/** The DISCONNECT reason codes a client may send (MQTT 5 section 3.14.2.1). */
const clientReasonCodes: ReadonlySet<number> = new Set([
  ReasonCode.Success,
  ReasonCode.DisconnectWithWillMessage,
  ReasonCode.UnspecifiedError,
  ReasonCode.MalformedPacket,
  ReasonCode.ProtocolError,
  ReasonCode.ImplementationSpecificError,
  ReasonCode.TopicNameInvalid,
  ReasonCode.ReceiveMaximumExceeded,
  ReasonCode.TopicAliasInvalid,
  ReasonCode.PacketTooLarge,
  ReasonCode.MessageRateTooHigh,
  ReasonCode.QuotaExceeded,
  ReasonCode.AdministrativeAction,
  ReasonCode.PayloadFormatInvalid,
])

/** What goes in the DISCONNECT (MQTT.js `end(false, request)`). */
export interface DisconnectRequest {
  reasonCode?: number
  properties?: DisconnectProperties
}

const knownProperties = new Set(['sessionExpiryInterval', 'reasonString', 'userProperties'])

/**
 * Checks the reason code and properties of `close()`.
 * @param connectExpiry the Session Expiry Interval sent in CONNECT (0 when none was)
 * @throws {@link MqttValidationError} naming the field; nothing was sent.
 */
export function checkDisconnect(
  reasonCode: unknown,
  properties: unknown,
  protocolVersion: 3 | 4 | 5,
  connectExpiry: number,
  strict: boolean,
): DisconnectRequest {
  if (reasonCode !== undefined) {
    if (typeof reasonCode !== 'number' || !clientReasonCodes.has(reasonCode)) {
      throw new MqttValidationError(
        `reasonCode must be a DISCONNECT reason code a client may send (0x00, 0x04, 0x80-0x83, 0x90, 0x93-0x99), not ${
          typeof reasonCode === 'number'
            ? `0x${reasonCode.toString(16)} (${reasonName(reasonCode)})`
            : describeValue(reasonCode)
        }`,
        'reasonCode',
      )
    }
    requireMqtt5(protocolVersion, reasonCode !== ReasonCode.Success, 'reasonCode')
  }
  if (properties === undefined) return reasonCode === undefined ? {} : { reasonCode }
  if (typeof properties !== 'object' || properties === null) {
    throw new MqttValidationError('properties must be an object', 'properties')
  }
  requireMqtt5(protocolVersion, true, 'properties')
  const checked = properties as DisconnectProperties
  for (const key of Object.keys(checked)) {
    if (!knownProperties.has(key)) {
      throw new MqttValidationError(
        `properties.${key} is not a DISCONNECT property a client sends (known: sessionExpiryInterval, reasonString, userProperties)`,
        `properties.${key}`,
      )
    }
  }
  const expiry = checked.sessionExpiryInterval
  if (expiry !== undefined) {
    if (!Number.isInteger(expiry) || expiry < 0 || expiry > 0xffff_ffff) {
      throw new MqttValidationError(
        `properties.sessionExpiryInterval must be an integer number of seconds from 0 to 4294967295, not ${describeValue(expiry)}`,
        'properties.sessionExpiryInterval',
      )
    }
    if (connectExpiry === 0 && expiry !== 0) {
      throw new MqttValidationError(
        'properties.sessionExpiryInterval cannot be raised at DISCONNECT: the client connected with a Session Expiry Interval of 0, and MQTT 5 makes a non-zero one here a Protocol Error (the broker would close the connection with 0x82)',
        'properties.sessionExpiryInterval',
      )
    }
  }
  if (checked.reasonString !== undefined) {
    checkMqttString(checked.reasonString, 'properties.reasonString', strict)
  }
  checkUserProperties(checked.userProperties, 'properties.userProperties', strict)
  return { ...(reasonCode === undefined ? {} : { reasonCode }), properties: { ...checked } }
}
