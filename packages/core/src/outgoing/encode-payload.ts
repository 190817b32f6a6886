import { MqttValidationError } from '../errors/errors.js'
import type { PayloadInput } from '../options/client-options.js'

/** The largest payload a PUBLISH can carry (the MQTT remaining length limit, minus nothing we can know). */
export const maxPayloadBytes = 268_435_455

const encoder = new TextEncoder()

/**
 * Turns a payload into bytes: strings as UTF-8, finite numbers and booleans as their text, `null`
 * or `undefined` as an empty payload. Byte arrays are used as they are (no copy).
 * @throws {@link MqttValidationError} for any other type, a non-finite number, or an oversized payload.
 * @example encodePayload(0.38) // Uint8Array [48, 46, 51, 56]
 */
export function encodePayload(payload: PayloadInput | undefined, field = 'payload'): Uint8Array {
  let bytes: Uint8Array
  if (payload === null || payload === undefined) bytes = new Uint8Array(0)
  else if (payload instanceof Uint8Array) bytes = payload
  else if (typeof payload === 'string') bytes = encoder.encode(payload)
  else if (typeof payload === 'boolean') bytes = encoder.encode(String(payload))
  else if (typeof payload === 'number') {
    if (!Number.isFinite(payload)) {
      throw new MqttValidationError(`a number payload must be finite, not ${payload}`, field)
    }
    bytes = encoder.encode(String(payload))
  } else {
    const type = Array.isArray(payload) ? 'array' : typeof payload
    throw new MqttValidationError(
      `a payload must be a string, Uint8Array, number, boolean or null, not ${type}`,
      field,
    )
  }
  if (bytes.byteLength > maxPayloadBytes) {
    throw new MqttValidationError(
      `a payload must fit in ${maxPayloadBytes} bytes, not ${bytes.byteLength}`,
      field,
    )
  }
  return bytes
}
