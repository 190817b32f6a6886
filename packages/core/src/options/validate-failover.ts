import { describeValue } from '../errors/describe-value.js'
import type { ClientOptions } from './client-options.js'
import { boolean, fail, integer, isRecord } from './field-checks.js'

/**
 * Checks `failover` and `connectInBackground` (which needs `reconnect`).
 * @throws {@link MqttValidationError} naming the option at fault.
 * @example validateFailover({ connectInBackground: true }) // throws: connectInBackground needs reconnect
 */
export function validateFailover(options: ClientOptions): void {
  boolean(options.connectInBackground, 'connectInBackground')
  if (
    options.connectInBackground === true &&
    (options.reconnect === undefined || options.reconnect === false)
  ) {
    fail('connectInBackground', 'needs reconnect (the client connects with its backoff)')
  }
  const { failover } = options
  if (failover === undefined) return
  if (!isRecord(failover)) fail('failover', `must be an object, not ${describeValue(failover)}`)
  boolean(failover.shuffle, 'failover.shuffle')
  boolean(failover.followRedirects, 'failover.followRedirects')
  integer(failover.maxRedirects, 'failover.maxRedirects', 0, 100)
}
