import { MqttClientClosedError, MqttConnectionLostError } from '../errors/errors.js'
import { onTimeoutOrAbort, settledWithin } from '../helpers/timers.js'
import type { Connection } from '../mqttjs/connection.js'
import type { ResolvedOptions } from '../options/resolved-options.js'
import type { EventChannel } from '../session/connection-events.js'
import { backoffDelay } from './backoff.js'
import { type ResubscribingSession, resubscribe, unsubscribeLeftovers } from './resubscribe.js'

/**
 * What the reconnector needs from the session it brings back (the `Session` has it; named here
 * because session.ts starts the reconnector and must not be imported back).
 */
export interface ReconnectingSession extends ResubscribingSession {
  readonly options: ResolvedOptions
  readonly events: EventChannel
  takeUnsubscribeLeftovers(): string[]
  unsubscribeLater(filters: readonly string[]): void
  reconnected(connection: Connection, sessionPresent: boolean): void
  gaveUp(error: MqttConnectionLostError): void
}

/** Resolves after `ms`, or at once (with false) when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    onTimeoutOrAbort(
      ms,
      signal,
      () => resolve(true),
      () => resolve(false),
    )
  })
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Brings a reconnecting session back: waits a backoff delay (exponential, with jitter), shakes hands
 * again on the same connection (MQTT.js resends unacknowledged QoS 1/2 publishes), restores the
 * subscriptions unless the broker kept the session, then hands over to the session. Gives up after
 * `maxAttempts` failed attempts. One run per lost connection; `stop()` ends it (on close).
 */
export class Reconnector {
  readonly #session: ReconnectingSession
  readonly #abort = new AbortController()

  constructor(session: ReconnectingSession) {
    this.#session = session
  }

  /** Stops trying (the client is closing): an attempt in progress is abandoned. */
  stop(): void {
    this.#abort.abort(new MqttClientClosedError('reconnection stopped: the client is closing'))
  }

  /** Runs until connected again, given up, or stopped. Never rejects. */
  async run(connection: Connection, cause: MqttConnectionLostError): Promise<void> {
    const session = this.#session
    const options = session.options.reconnect
    if (options === undefined) return
    const { timeout, address } = session.options
    const signal = this.#abort.signal
    let lastError: unknown = cause
    let attempt = 0
    while (attempt < options.maxAttempts) {
      attempt++
      const delay = backoffDelay(attempt, options)
      session.events.emit({ type: 'reconnecting', attempt, delay })
      session.logger?.info({ address, attempt, delay }, 'mqtt reconnecting')
      if (!(await sleep(delay, signal))) return
      // the previous network connection closes first (at most 1 s)
      await settledWithin(connection.closed, 1_000)
      if (signal.aborted) return
      try {
        const connack = await connection.handshake(timeout, signal)
        const leftovers = session.takeUnsubscribeLeftovers()
        try {
          if (connack.sessionPresent) await unsubscribeLeftovers(session, connection, leftovers, timeout)
          else await resubscribe(session, connection, timeout)
        } catch (error) {
          session.unsubscribeLater(leftovers)
          throw error
        }
        if (signal.aborted) return
        session.reconnected(connection, connack.sessionPresent === true)
        return
      } catch (error) {
        if (signal.aborted) return
        lastError = error
        connection.drop()
        session.logger?.debug(
          { address, attempt, error: describe(error) },
          'mqtt reconnection attempt failed',
        )
      }
    }
    session.gaveUp(
      new MqttConnectionLostError(
        `the connection to ${address} was lost and ${attempt} reconnection attempt${attempt === 1 ? '' : 's'} failed (last: ${describe(lastError)})`,
        { cause: lastError },
      ),
    )
  }
}
