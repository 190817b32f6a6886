import { mqttStringProblem } from '@await-mqtt/topic-trie'
import { describeValue } from './describe-value.js'
import { MqttValidationError } from './errors.js'

/** The most bytes an MQTT string or binary field holds (section 1.5.4 and 1.5.6: a two-byte length). */
export const maxFieldBytes = 0xffff

/** How {@link checkMqttString} treats one field. */
export interface StringFieldOptions {
  /** Refuse `''`. @default false */
  nonEmpty?: boolean
  /** Never show the value in the message (passwords). @default false */
  secret?: boolean
}

/**
 * @throws {@link MqttValidationError} naming `field` unless `value` is a string MQTT can carry:
 * no U+0000, no lone surrogate (which would silently become U+FFFD on the wire), at most 65,535
 * UTF-8 bytes and, with `strict` (the client's `strictUtf8`), no control character or
 * non-character, which brokers such as mosquitto answer by closing the connection.
 */
export function checkMqttString(
  value: unknown,
  field: string,
  strict: boolean,
  { nonEmpty = false, secret = false }: StringFieldOptions = {},
): string {
  if (typeof value !== 'string') {
    throw new MqttValidationError(
      `${field} must be a string, not ${secret ? 'that' : describeValue(value)}`,
      field,
    )
  }
  if (nonEmpty && value === '') throw new MqttValidationError(`${field} must not be empty`, field)
  const problem = mqttStringProblem(value, { strict })
  if (problem !== undefined) {
    const hint =
      problem.rule === 'control-character' || problem.rule === 'non-character'
        ? ' (brokers refuse it as malformed; strictUtf8: false lets it through)'
        : ''
    throw new MqttValidationError(`${field} ${problem.reason}${hint}`, field)
  }
  return value
}

/** @throws {@link MqttValidationError} unless `value` is a Uint8Array of at most 65,535 bytes. */
export function checkBinary(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new MqttValidationError(`${field} must be a Uint8Array`, field)
  if (value.byteLength > maxFieldBytes) {
    throw new MqttValidationError(
      `${field} takes ${value.byteLength} bytes, more than ${maxFieldBytes}`,
      field,
    )
  }
  return value
}

/**
 * @throws {@link MqttValidationError} unless `properties` is an object whose keys are MQTT strings
 * and whose values are MQTT strings or arrays of them (the user property pairs of section 3.3.2.3.7).
 */
export function checkUserProperties(properties: unknown, field: string, strict: boolean): void {
  if (properties === undefined) return
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new MqttValidationError(`${field} must be an object of strings`, field)
  }
  for (const [key, value] of Object.entries(properties)) {
    checkMqttString(key, `${field} key`, strict)
    const values: unknown[] = Array.isArray(value) ? value : [value]
    // A for loop, not every(): a sparse array's holes are values too (undefined), not skipped.
    for (let index = 0; index < values.length; index++) {
      checkMqttString(values[index], `${field}.${key}`, strict)
    }
  }
}
