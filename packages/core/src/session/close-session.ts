import { MqttClientClosedError } from '../errors/errors.js'
import { settledWithin } from '../helpers/timers.js'
import type { DisconnectRequest } from './disconnect-request.js'
import type { Session } from './session.js'

/**
 * Closes the session gracefully within `timeout` ms: new calls are refused at once; calls in flight
 * (QoS 1/2 handshakes included) get the time left to finish; then DISCONNECT, the socket closes and
 * every stream ends. Past the bound the socket is destroyed. Never rejects.
 * @param disconnect the DISCONNECT's reason code and properties (MQTT 5; checked by `close()`)
 */
export async function closeSession(
  session: Session,
  timeout: number,
  disconnect: DisconnectRequest = {},
): Promise<void> {
  const started = Date.now()
  // Lost or reconnecting: nothing in flight can complete without a connection; do not wait for one.
  const lost = session.beginClosing()
  if (!lost && session.calls.pending > 0) {
    await settledWithin(session.calls.idle(), timeout)
  }
  // An error (and its stack) only when a call is left: most clients close with none.
  if (session.calls.pending > 0)
    session.calls.failAll(new MqttClientClosedError('the client was closed before the call completed'))
  const connection = session.connection
  if (connection) {
    if (lost) connection.destroy()
    else await connection.end(Math.max(timeout - (Date.now() - started), 1), disconnect)
    await settledWithin(connection.closed, 1_000)
  }
  session.closed()
  session.logger?.debug({ address: session.options.address }, 'mqtt client closed')
}
