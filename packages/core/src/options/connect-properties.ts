import { asBuffer } from '../helpers/bytes.js'
import type { IClientOptions } from '../mqttjs/types.js'
import type { ClientOptions, ConnectProperties, PayloadInput, WillOptions } from './client-options.js'

type MqttConnectProperties = NonNullable<IClientOptions['properties']>
type MqttWill = NonNullable<IClientOptions['will']>

/** A password or will payload for MQTT.js: text stays text (numbers and booleans as text), bytes become a Buffer. */
export function encodeValue(value: PayloadInput | undefined): string | Buffer {
  if (value === null || value === undefined) return ''
  if (value instanceof Uint8Array) return asBuffer(value)
  return String(value)
}

/**
 * MQTT 5 CONNECT properties for MQTT.js: `properties`, with `sessionExpiryInterval` (the option)
 * taking precedence over `properties.sessionExpiryInterval`. Undefined when there are none.
 */
export function connectProperties(options: ClientOptions): MqttConnectProperties | undefined {
  const { properties, sessionExpiryInterval, auth } = options
  if (properties === undefined && sessionExpiryInterval === undefined && auth === undefined) return undefined
  const { authenticationData, ...rest }: ConnectProperties = properties ?? {}
  const result: MqttConnectProperties = { ...rest }
  if (authenticationData !== undefined) result.authenticationData = asBuffer(authenticationData)
  if (sessionExpiryInterval !== undefined) result.sessionExpiryInterval = sessionExpiryInterval
  if (auth !== undefined) {
    result.authenticationMethod = auth.method
    if (auth.data !== undefined) result.authenticationData = asBuffer(auth.data)
  }
  return result
}

/** The will message in MQTT.js's shape. */
export function willMessage(will: WillOptions): MqttWill {
  const { topic, payload = null, qos = 0, retain = false, properties } = will
  const result: MqttWill = { topic, payload: encodeValue(payload), qos, retain }
  if (properties !== undefined) {
    const { correlationData, ...rest } = properties
    result.properties = { ...rest }
    if (correlationData !== undefined) result.properties.correlationData = asBuffer(correlationData)
  }
  return result
}
