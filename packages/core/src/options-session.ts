import type { IClientOptions } from 'mqtt'
import type { ClientOptions, ConnectProperties, PayloadInput, WillOptions } from './options.js'

type MqttConnectProperties = NonNullable<IClientOptions['properties']>
type MqttWill = NonNullable<IClientOptions['will']>

/**
 * Bytes as a Buffer over the same memory, which MQTT.js's encoder expects, without copying.
 * Where there is no global `Buffer` (browsers) the bytes are passed as they are.
 */
export function toBuffer(bytes: Uint8Array): Buffer {
  const NodeBuffer = globalThis.Buffer
  if (NodeBuffer === undefined) return bytes as Buffer
  return NodeBuffer.isBuffer(bytes)
    ? bytes
    : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** A password or will payload for MQTT.js: text stays text (numbers and booleans as text), bytes become a Buffer. */
export function encodeValue(value: PayloadInput | undefined): string | Buffer {
  if (value === null || value === undefined) return ''
  if (value instanceof Uint8Array) return toBuffer(value)
  return String(value)
}

/**
 * MQTT 5 CONNECT properties for MQTT.js: `properties`, with `sessionExpiryInterval` (the option)
 * taking precedence over `properties.sessionExpiryInterval`. Undefined when there are none.
 */
export function connectProperties(options: ClientOptions): MqttConnectProperties | undefined {
  const { properties, sessionExpiryInterval } = options
  if (properties === undefined && sessionExpiryInterval === undefined) return undefined
  const { authenticationData, ...rest }: ConnectProperties = properties ?? {}
  const result: MqttConnectProperties = { ...rest }
  if (authenticationData !== undefined) result.authenticationData = toBuffer(authenticationData)
  if (sessionExpiryInterval !== undefined) result.sessionExpiryInterval = sessionExpiryInterval
  return result
}

/** The will message in MQTT.js's shape. */
export function willMessage(will: WillOptions): MqttWill {
  const { topic, payload = null, qos = 0, retain = false, properties } = will
  const result: MqttWill = { topic, payload: encodeValue(payload), qos, retain }
  if (properties !== undefined) {
    const { correlationData, ...rest } = properties
    result.properties = { ...rest }
    if (correlationData !== undefined) result.properties.correlationData = toBuffer(correlationData)
  }
  return result
}
