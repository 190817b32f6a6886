import { describeValue } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'
import { asBuffer } from '../helpers/bytes.js'
import type { IClientPublishOptions } from '../mqttjs/types.js'
import { checkTopic, requireMqtt5 } from './checks.js'
import { checkBinary, checkMqttString, checkUserProperties } from './mqtt-strings.js'

/** The PUBLISH properties handed to MQTT.js. */
export type OutgoingPublishProperties = NonNullable<IClientPublishOptions['properties']>

/** What the properties of one publish are checked against. */
export interface PublishPropertiesContext {
  protocolVersion: number
  /** The client's `strictUtf8`. */
  strict: boolean
  /** The server's Topic Alias Maximum (CONNACK); 0 when it accepts no alias. */
  topicAliasMaximum: number
  /** The payload, checked against `payloadFormatIndicator: true`. */
  payload: Uint8Array
}

const maxUint32 = 0xffff_ffff
const known = new Set([
  'payloadFormatIndicator',
  'messageExpiryInterval',
  'topicAlias',
  'responseTopic',
  'correlationData',
  'userProperties',
  'contentType',
])
const utf8 = new TextDecoder('utf-8', { fatal: true })

function integer(value: unknown, field: string, min: number, max: number, why = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MqttValidationError(
      `${field} must be an integer from ${min} to ${max}${why}, not ${describeValue(value)}`,
      field,
    )
  }
  return value
}

/** Keeps only user properties that hold a value: mqtt-packet fails silently on `{}` or `{ k: [] }`. */
function nonEmptyUserProperties(
  properties: Record<string, string | string[]>,
): Record<string, string | string[]> | undefined {
  const kept = Object.entries(properties).filter(([, value]) => !Array.isArray(value) || value.length > 0)
  return kept.length === 0 ? undefined : Object.fromEntries(kept)
}

/**
 * Checks MQTT 5 PUBLISH properties field by field (section 3.3.2.3), so that nothing mqtt-packet
 * cannot encode, and nothing a broker disconnects for, reaches the wire: a bad value used to make
 * MQTT.js drop the connection. Returns what to hand to MQTT.js, or undefined for none.
 * @throws {@link MqttValidationError} whose `field` names the property, e.g.
 * `properties.messageExpiryInterval`.
 */
export function checkPublishProperties(
  properties: unknown,
  context: PublishPropertiesContext,
): OutgoingPublishProperties | undefined {
  if (properties === undefined) return undefined
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new MqttValidationError('properties must be an object', 'properties')
  }
  requireMqtt5(context.protocolVersion, true, 'properties')
  const given = properties as Record<string, unknown>
  const outgoing: OutgoingPublishProperties = {}
  for (const key of Object.keys(given)) {
    if (given[key] === undefined) continue
    if (key === 'subscriptionIdentifier') {
      throw new MqttValidationError(
        'properties.subscriptionIdentifier is set by the broker on delivery; a client must not send it (MQTT 5 section 3.3.4)',
        'properties.subscriptionIdentifier',
      )
    }
    if (!known.has(key)) {
      throw new MqttValidationError(
        `properties.${key} is not a PUBLISH property (known: ${[...known].join(', ')})`,
        `properties.${key}`,
      )
    }
  }
  const { strict } = context
  const { payloadFormatIndicator, messageExpiryInterval, topicAlias, responseTopic } = given
  const { correlationData, userProperties, contentType } = given
  if (payloadFormatIndicator !== undefined) {
    if (typeof payloadFormatIndicator !== 'boolean') {
      throw new MqttValidationError(
        `properties.payloadFormatIndicator must be a boolean, not ${describeValue(payloadFormatIndicator)}`,
        'properties.payloadFormatIndicator',
      )
    }
    if (payloadFormatIndicator && !isUtf8(context.payload)) {
      throw new MqttValidationError(
        'the payload must be valid UTF-8 when properties.payloadFormatIndicator is true (MQTT 5 section 3.3.2.3.2)',
        'payload',
      )
    }
    outgoing.payloadFormatIndicator = payloadFormatIndicator
  }
  if (messageExpiryInterval !== undefined) {
    outgoing.messageExpiryInterval = integer(
      messageExpiryInterval,
      'properties.messageExpiryInterval',
      0,
      maxUint32,
    )
  }
  if (topicAlias !== undefined) {
    const maximum = context.topicAliasMaximum
    if (maximum === 0) {
      throw new MqttValidationError(
        "properties.topicAlias cannot be used: the broker's Topic Alias Maximum (CONNACK) is 0",
        'properties.topicAlias',
      )
    }
    outgoing.topicAlias = integer(
      topicAlias,
      'properties.topicAlias',
      1,
      maximum,
      " (the broker's Topic Alias Maximum)",
    )
  }
  if (responseTopic !== undefined) {
    const field = 'properties.responseTopic'
    checkMqttString(responseTopic, field, strict)
    outgoing.responseTopic = checkTopic(responseTopic, field, strict)
  }
  if (correlationData !== undefined) {
    outgoing.correlationData = asBuffer(checkBinary(correlationData, 'properties.correlationData'))
  }
  if (contentType !== undefined) {
    outgoing.contentType = checkMqttString(contentType, 'properties.contentType', strict)
  }
  if (userProperties !== undefined) {
    checkUserProperties(userProperties, 'properties.userProperties', strict)
    const kept = nonEmptyUserProperties(userProperties as Record<string, string | string[]>)
    if (kept !== undefined) outgoing.userProperties = kept
  }
  return outgoing
}

function isUtf8(payload: Uint8Array): boolean {
  try {
    utf8.decode(payload)
    return true
  } catch {
    return false
  }
}
