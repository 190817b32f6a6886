import { MqttClientClosedError } from './errors.js'
import type { Session } from './session.js'

function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  return { promise, cancel: () => clearTimeout(timer) }
}

/**
 * Closes the session gracefully within `timeout` ms: new calls are refused at once; calls in flight
 * (QoS 1/2 handshakes included) get the time left to finish; then DISCONNECT, the socket closes and
 * every stream ends. Past the bound the socket is destroyed. Never rejects.
 */
export async function closeSession(session: Session, timeout: number): Promise<void> {
  const started = Date.now()
  // Lost or reconnecting: nothing in flight can complete without a connection; do not wait for one.
  const lost = session.beginClosing()
  if (!lost && session.calls.pending > 0) {
    const bound = delay(timeout)
    await Promise.race([session.calls.idle(), bound.promise])
    bound.cancel()
  }
  session.calls.failAll(new MqttClientClosedError('the client was closed before the call completed'))
  const connection = session.connection
  if (connection) {
    if (lost) connection.destroy()
    else await connection.end(Math.max(timeout - (Date.now() - started), 1))
    const bound = delay(1_000)
    await Promise.race([connection.closed, bound.promise])
    bound.cancel()
  }
  session.closed()
  session.logger?.debug({ address: session.options.address }, 'mqtt client closed')
}
