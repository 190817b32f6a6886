import type { IClientOptions } from 'mqtt'
import type { ClientOptions, ConnectProperties, PayloadInput, WillOptions } from './options.js'

type MqttConnectProperties = NonNullable<IClientOptions['properties']>
type MqttWill = NonNullable<IClientOptions['will']>

const encoder = new TextEncoder()

/** Bytes as a Buffer over the same memory (what MQTT.js expects), without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** A will or password value as bytes: strings as UTF-8, numbers and booleans as text, null as nothing. */
export function encodeValue(value: PayloadInput | undefined): Buffer {
  if (value === null || value === undefined) return Buffer.alloc(0)
  if (value instanceof Uint8Array) return toBuffer(value)
  return toBuffer(encoder.encode(String(value)))
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
