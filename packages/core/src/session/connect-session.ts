import { MqttConnectError, MqttValidationError } from '../errors/errors.js'
import { connectToServer } from './connect-to-server.js'
import type { Session } from './session.js'

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined
  if (!(signal instanceof AbortSignal))
    throw new MqttValidationError('signal must be an AbortSignal', 'signal')
  return signal
}

/** Every broker of a list refused or could not be reached: one error that says so for each. */
function noBrokerAccepted(failures: readonly { address: string; error: unknown }[]): unknown {
  const last = failures.at(-1)?.error
  if (failures.length < 2) return last
  const reasons = failures.map(
    ({ address, error }) => `${address}: ${error instanceof Error ? error.message : String(error)}`,
  )
  const failure = last instanceof MqttConnectError ? last.failure : 'unreachable'
  const reasonCode = last instanceof MqttConnectError ? last.reasonCode : undefined
  return new MqttConnectError(
    `none of ${failures.length} brokers accepted the connection (${reasons.join('; ')})`,
    failure,
    reasonCode,
    { cause: last },
  )
}

/**
 * Connects the session (`Client.connect`): tries its brokers in turn (one, unless a list was
 * given), each with an equal share of what is left of `timeout`, so one broker that does not answer
 * leaves time for the others; follows an MQTT 5 redirect when `failover.followRedirects` allows it.
 * With `connectInBackground`, resolves at once and lets the reconnector connect.
 * @throws {@link MqttConnectError} (or the signal's reason); with several brokers, one that names
 * why each failed.
 */
export async function connectSession(session: Session, signal?: unknown): Promise<void> {
  const abort = checkSignal(signal)
  const resolved = session.options
  if (resolved.connectInBackground) {
    session.startInBackground()
    return
  }
  const deadline = Date.now() + resolved.timeout
  const failures: { address: string; error: unknown }[] = []
  let left = session.servers.size
  for (;;) {
    const server = session.servers.current
    const share = Math.max(Math.floor((deadline - Date.now()) / left), 1)
    const attempt = await connectToServer(session, server, share, abort)
    if (attempt.connection !== undefined) {
      session.attach(attempt.connection)
      return
    }
    failures.push({ address: server.address, error: attempt.error })
    const over = abort?.aborted === true || Date.now() >= deadline
    if (!over && session.servers.follow(attempt.redirect)) continue
    left--
    if (over || left === 0) {
      session.connectFailed()
      throw abort?.aborted ? attempt.error : noBrokerAccepted(failures)
    }
    const next = session.servers.advance()
    session.logger?.info({ address: server.address, next: next.address }, 'mqtt trying the next broker')
  }
}
