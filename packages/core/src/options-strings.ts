import { utf8ByteLength } from '@await-mqtt/topic-trie'
import { MqttValidationError } from './errors.js'
import { checkBinary, checkMqttString, checkUserProperties, maxFieldBytes } from './mqtt-strings.js'
import type { ClientOptions } from './options.js'
import { encodePayload } from './payload.js'
import { checkTopic } from './validation.js'

/**
 * Checks the strings and binary fields of the CONNECT packet against MQTT's rules (section 1.5.4,
 * 1.5.6) and, unless `strictUtf8: false`, against what brokers refuse as malformed: a lone
 * surrogate in a client id used to become U+FFFD silently, a 65,536-byte user name threw a
 * TypeError from inside MQTT.js. Runs after the types were checked (options-validate.ts).
 * @throws {@link MqttValidationError} naming the option; never showing the password.
 */
export function validateOptionStrings(options: ClientOptions): void {
  const strict = options.strictUtf8 !== false
  if (options.clientId !== undefined) checkMqttString(options.clientId, 'clientId', strict)
  if (options.username !== undefined) checkMqttString(options.username, 'username', strict)
  const { password } = options
  if (password !== undefined) {
    const bytes = typeof password === 'string' ? utf8ByteLength(password) : password.byteLength
    if (bytes > maxFieldBytes || bytes === -1) {
      throw new MqttValidationError(
        `password must be well-formed and fit in ${maxFieldBytes} bytes`,
        'password',
      )
    }
  }
  const { will, properties } = options
  if (will !== undefined) {
    checkTopic(will.topic, 'will.topic', strict)
    const payload = encodePayload(will.payload)
    if (payload.byteLength > maxFieldBytes) {
      throw new MqttValidationError(
        `will.payload takes ${payload.byteLength} bytes, more than ${maxFieldBytes}`,
        'will.payload',
      )
    }
    const p = will.properties
    if (p?.contentType !== undefined) checkMqttString(p.contentType, 'will.properties.contentType', strict)
    if (p?.responseTopic !== undefined) checkTopic(p.responseTopic, 'will.properties.responseTopic', strict)
    if (p?.correlationData !== undefined) checkBinary(p.correlationData, 'will.properties.correlationData')
    checkUserProperties(p?.userProperties, 'will.properties.userProperties', strict)
  }
  if (properties !== undefined) {
    checkUserProperties(properties.userProperties, 'properties.userProperties', strict)
    if (properties.authenticationMethod !== undefined) {
      checkMqttString(properties.authenticationMethod, 'properties.authenticationMethod', strict)
    }
    if (properties.authenticationData !== undefined) {
      checkBinary(properties.authenticationData, 'properties.authenticationData')
    }
  }
}
