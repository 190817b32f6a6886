import type { Connection } from './connection.js'
import { MqttConnectionLostError, MqttTimeoutError } from './errors.js'
import type { Done } from './outgoing-calls.js'
import type { Session } from './session.js'

/** How {@link sendCall} treats one call. */
export interface CallPlan {
  /** For messages: `publish to a/b`, `subscribe`... */
  what: string
  timeout: number
  signal: AbortSignal | undefined
  /** A publish: counts against `reconnect.maxQueuedPublishes` while waiting for the connection. */
  publish: boolean
  /** A QoS 1/2 publish: takes a slot of the broker's Receive Maximum (see {@link SendQuota}). */
  quota?: boolean
  /**
   * Send again when the connection drops before the answer and the session reconnects (SUBSCRIBE and
   * UNSUBSCRIBE: MQTT.js fails them on a lost connection; QoS 1/2 publishes are resent by MQTT.js itself).
   */
  retry: boolean
}

/**
 * Runs a publish/subscribe/unsubscribe on the session's connection, within one timeout overall.
 * While the session reconnects the call first waits for the connection (bounded by the same
 * timeout); without `reconnect` a lost connection rejects at once.
 */
export async function sendCall<T>(
  session: Session,
  plan: CallPlan,
  send: (connection: Connection, done: Done<T>) => void,
): Promise<T> {
  const { what, timeout, signal } = plan
  const deadline = Date.now() + timeout
  const left = () => {
    const remaining = deadline - Date.now()
    if (remaining <= 0) throw new MqttTimeoutError(`${what} timed out after ${timeout} ms`, timeout)
    return remaining
  }
  for (;;) {
    if (session.state === 'reconnecting') await session.gate.wait(what, left(), signal, plan.publish)
    const connection = session.usable(what)
    const release = plan.quota
      ? (session.quota.tryAcquire() ?? (await session.quota.acquire(what, left(), signal)))
      : undefined
    let handed = false
    try {
      return await session.calls.run<T>(what, left(), signal, (done) => {
        handed = true
        if (release === undefined) send(connection, done)
        else {
          const answered: Done<T> = (error, value) => {
            release()
            done(error, value)
          }
          try {
            send(connection, answered)
          } catch (error) {
            release()
            throw error
          }
        }
      })
    } catch (error) {
      if (!handed) release?.()
      if (!retryable(session, plan, error)) {
        if (error instanceof MqttTimeoutError && error.timeout !== timeout) {
          throw new MqttTimeoutError(`${what} timed out after ${timeout} ms`, timeout, { cause: error })
        }
        throw error
      }
    }
  }
}

/** Whether a call failed because the connection dropped, and will be sent again once reconnected. */
function retryable(session: Session, plan: CallPlan, error: unknown): boolean {
  return plan.retry && session.state === 'reconnecting' && error instanceof MqttConnectionLostError
}
