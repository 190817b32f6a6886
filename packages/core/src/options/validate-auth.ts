import { describeValue } from '../errors/describe-value.js'
import { checkBinary, checkMqttString } from '../validation/mqtt-strings.js'
import type { ClientOptions } from './client-options.js'
import { fail, isRecord } from './field-checks.js'

/**
 * Checks `auth` (MQTT 5 enhanced authentication): an object with a non-empty `method`, optional
 * `data` bytes and an optional `onChallenge` function; MQTT 5 only, and not together with
 * `properties.authenticationMethod`/`authenticationData`, which it stands for.
 * @throws {@link MqttValidationError} naming the field (`auth`, `auth.method`, ...).
 */
export function validateAuth(options: ClientOptions): void {
  const auth: unknown = options.auth
  if (auth === undefined) return
  if (!isRecord(auth)) {
    fail('auth', `must be an object ({ method, data, onChallenge }), not ${describeValue(auth)}`)
  }
  const { method, data, onChallenge } = auth
  if (typeof method !== 'string' || method === '') {
    fail('auth.method', `must be a non-empty string, not ${describeValue(method)}`)
  }
  checkMqttString(method, 'auth.method', options.strictUtf8 !== false)
  if (data !== undefined && !(data instanceof Uint8Array)) fail('auth.data', 'must be a Uint8Array')
  if (data !== undefined) checkBinary(data, 'auth.data')
  if (onChallenge !== undefined && typeof onChallenge !== 'function') {
    fail('auth.onChallenge', `must be a function, not ${describeValue(onChallenge)}`)
  }
  if (options.protocolVersion !== undefined && options.protocolVersion !== 5) {
    fail('auth', 'needs MQTT 5 (protocolVersion 5): enhanced authentication uses AUTH packets')
  }
  const { properties } = options
  const given = properties?.authenticationMethod !== undefined ? 'authenticationMethod' : undefined
  const conflict = given ?? (properties?.authenticationData !== undefined ? 'authenticationData' : undefined)
  if (conflict !== undefined) {
    fail(`properties.${conflict}`, 'cannot be given with auth, which sets it: use auth.method and auth.data')
  }
}
