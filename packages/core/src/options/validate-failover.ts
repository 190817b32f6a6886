import { describeValue } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'
import type { ClientOptions } from './client-options.js'

function fail(field: string, message: string): never {
  throw new MqttValidationError(`${field} ${message}`, field)
}

function optionalBoolean(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    fail(field, `must be a boolean, not ${describeValue(value)}`)
  }
}

/**
 * Checks `failover` and `connectInBackground` (which needs `reconnect`).
 * @throws {@link MqttValidationError} naming the option at fault.
 * @example validateFailover({ connectInBackground: true }) // throws: connectInBackground needs reconnect
 */
export function validateFailover(options: ClientOptions): void {
  optionalBoolean(options.connectInBackground, 'connectInBackground')
  if (
    options.connectInBackground === true &&
    (options.reconnect === undefined || options.reconnect === false)
  ) {
    fail('connectInBackground', 'needs reconnect (the client connects with its backoff)')
  }
  const { failover } = options
  if (failover === undefined) return
  if (typeof failover !== 'object' || failover === null || Array.isArray(failover)) {
    fail('failover', `must be an object, not ${describeValue(failover)}`)
  }
  optionalBoolean(failover.shuffle, 'failover.shuffle')
  optionalBoolean(failover.followRedirects, 'failover.followRedirects')
  const { maxRedirects } = failover
  if (
    maxRedirects !== undefined &&
    (!Number.isInteger(maxRedirects) || maxRedirects < 0 || maxRedirects > 100)
  ) {
    fail('failover.maxRedirects', `must be an integer from 0 to 100, not ${describeValue(maxRedirects)}`)
  }
}
