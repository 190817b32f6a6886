import { MqttConnectionLostError, MqttTimeoutError } from '../errors/errors.js'
import type { Connection } from '../mqttjs/connection.js'
import type { Done } from '../outgoing/outgoing-calls.js'
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

type Send<T> = (connection: Connection, done: Done<T>) => void

/** `send` on `connection`, giving the Receive Maximum slot back (`release`) once it is answered. */
function handOver<T>(connection: Connection, release: (() => void) | undefined, send: Send<T>) {
  if (release === undefined) return (done: Done<T>) => send(connection, done)
  return (done: Done<T>) => {
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
}

/**
 * Runs a publish/subscribe/unsubscribe on the session's connection, within one timeout overall.
 * While the session reconnects the call first waits for the connection (bounded by the same
 * timeout); without `reconnect` a lost connection rejects at once.
 */
export function sendCall<T>(session: Session, plan: CallPlan, send: Send<T>): Promise<T> {
  const { what, timeout, signal } = plan
  // Connected, with a slot free for it and nothing to send again later: handed over at once.
  if (session.state === 'connected' && !plan.retry && !signal?.aborted && session.calls.canStart) {
    const release = plan.quota ? session.quota.tryAcquire() : undefined
    if (release !== undefined || !plan.quota) {
      try {
        const connection = session.usable(what)
        return session.calls.run<T>(what, timeout, signal, handOver(connection, release, send), false)
      } catch (error) {
        release?.()
        return Promise.reject(error)
      }
    }
  }
  return sendWhenReady(session, plan, send)
}

/** {@link sendCall} when the call may have to wait: for the connection, a quota slot or a call slot. */
async function sendWhenReady<T>(session: Session, plan: CallPlan, send: Send<T>): Promise<T> {
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
    const over = handOver(connection, release, send)
    try {
      return await session.calls.run<T>(what, left(), signal, (done) => {
        handed = true
        over(done)
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
