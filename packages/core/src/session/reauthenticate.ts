import { MqttValidationError } from '../errors/errors.js'
import type { CallOptions } from '../options/client-options.js'
import { checkCallOptions } from '../validation/checks.js'
import { checkBinary } from '../validation/mqtt-strings.js'
import type { Session } from './session.js'

/**
 * `client.reauthenticate()`: MQTT 5 re-authentication (section 4.12.1) with the method given in
 * `auth` at connect. Sends AUTH 0x19 with `data`, answers the broker's challenges with
 * `auth.onChallenge`, and resolves on the broker's AUTH 0x00. One at a time per connection.
 * @throws {@link MqttValidationError} without `auth`, for bad `data`, or while another runs.
 */
export function reauthenticate(
  session: Session,
  data: Uint8Array | undefined,
  options: CallOptions | undefined,
): Promise<void> {
  try {
    const timeout = checkCallOptions(options, session.options.timeout)
    if (session.options.auth === undefined) {
      throw new MqttValidationError(
        'reauthenticate() needs enhanced authentication: connect with the auth option ({ method, onChallenge })',
        'auth',
      )
    }
    if (data !== undefined) checkBinary(data, 'data')
    const connection = session.usable('re-authenticate')
    if (connection.reauthenticating) {
      throw new MqttValidationError(
        'a re-authentication is already in progress on this connection: await it first',
        'reauthenticate',
      )
    }
    return session.calls.run<void>(
      're-authenticate',
      timeout,
      options?.signal,
      (done) => connection.reauthenticate(data, (error) => done(error)),
      false,
    )
  } catch (error) {
    return Promise.reject(error)
  }
}
