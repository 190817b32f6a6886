import { MqttClientClosedError, MqttConnectionLostError } from '../errors/errors.js'
import { onTimeoutOrAbort, settledWithin } from '../helpers/timers.js'
import type { Connection } from '../mqttjs/connection.js'
import type { IConnackPacket } from '../mqttjs/types.js'
import type { ResolvedOptions } from '../options/resolved-options.js'
import { type ConnectingSession, connectToServer } from '../session/connect-to-server.js'
import type { EventChannel } from '../session/connection-events.js'
import { backoffDelay } from './backoff.js'
import { type ResubscribingSession, resubscribe, unsubscribeLeftovers } from './resubscribe.js'
import type { ServerList, ServerRedirect } from './server-list.js'

/**
 * What the reconnector needs from the session it brings back (the `Session` has it; named here
 * because session.ts starts the reconnector and must not be imported back).
 */
export interface ReconnectingSession extends ResubscribingSession, ConnectingSession {
  readonly options: ResolvedOptions
  readonly events: EventChannel
  readonly servers: ServerList
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
 *
 * With several brokers each attempt goes to the next one of the list (the connection moves, its
 * stores kept); a followed MQTT 5 redirect sends the next attempt where the broker pointed. A
 * session that never connected (`connectInBackground`) gets a fresh connection on each attempt,
 * with the same fallback from MQTT 5 to 3.1.1 as `Client.connect`.
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
  async run(lost: Connection | undefined, cause: MqttConnectionLostError | undefined): Promise<void> {
    const session = this.#session
    const options = session.options.reconnect
    if (options === undefined) return
    const { timeout } = session.options
    const { servers } = session
    const signal = this.#abort.signal
    let connection = lost
    const what =
      lost === undefined
        ? `the client started without a connection to ${servers.current.address}`
        : `the connection to ${lost.address} was lost`
    let lastError: unknown = cause
    let attempt = 0
    // A lost connection: the broker it was sent to by a followed redirect, else the next of the list.
    if (lost !== undefined && !servers.follow(lost.redirect) && servers.size > 1) servers.advance()
    while (attempt < options.maxAttempts) {
      const address = servers.current.address
      attempt++
      const delay = backoffDelay(attempt, options)
      session.events.emit({ type: 'reconnecting', attempt, delay })
      session.logger?.info({ address, attempt, delay }, 'mqtt reconnecting')
      if (!(await sleep(delay, signal))) return
      // the previous network connection closes first (at most 1 s)
      if (connection !== undefined) await settledWithin(connection.closed, 1_000)
      if (signal.aborted) return
      let redirect: ServerRedirect | undefined
      try {
        let connack: IConnackPacket
        if (connection === undefined) {
          const first = await connectToServer(session, servers.current, timeout, signal)
          if (first.connection === undefined) {
            redirect = first.redirect
            throw first.error
          }
          connection = first.connection
          // Kept from now on: the next attempt shakes hands on it again.
          connection.keepOnFailure = true
          connack = first.connection.connack as IConnackPacket
        } else {
          if (connection.server !== servers.current) connection.useServer(servers.current)
          try {
            connack = await connection.handshake(timeout, signal)
          } catch (error) {
            redirect = connection.redirect
            throw error
          }
        }
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
        connection?.drop()
        session.logger?.debug(
          { address, attempt, error: describe(error) },
          'mqtt reconnection attempt failed',
        )
        if (!servers.follow(redirect) && servers.size > 1) servers.advance()
      }
    }
    session.gaveUp(
      new MqttConnectionLostError(
        `${what} and ${attempt} ${lost === undefined ? 'connection' : 'reconnection'} attempt${attempt === 1 ? '' : 's'} failed (last: ${describe(lastError)})`,
        { cause: lastError },
      ),
    )
  }
}
