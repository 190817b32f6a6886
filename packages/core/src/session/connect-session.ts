import { MqttConnectError, MqttValidationError } from '../errors/errors.js'
import type { Connection } from '../mqttjs/connection.js'
import { isUnsupportedProtocol } from '../mqttjs/translate-error.js'
import type { Logger } from '../options/client-options.js'
import type { ResolvedOptions, ResolvedServer } from '../options/resolved-options.js'
import type { ServerRedirect } from '../reconnect/server-list.js'
import type { Session } from './session.js'

/** The same options, speaking another protocol version (MQTT 5-only settings dropped for 3.1.1). */
export function withProtocolVersion(resolved: ResolvedOptions, protocolVersion: 3 | 4): ResolvedOptions {
  const { properties: _properties, ...mqtt } = resolved.mqtt
  const will = mqtt.will ? { ...mqtt.will, properties: undefined } : undefined
  return { ...resolved, protocolVersion, mqtt: { ...mqtt, protocolVersion, ...(will ? { will } : {}) } }
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined
  if (!(signal instanceof AbortSignal))
    throw new MqttValidationError('signal must be an AbortSignal', 'signal')
  return signal
}

/** What {@link connectToServer} needs from the session. */
export interface ConnectingSession {
  readonly options: ResolvedOptions
  readonly logger: Logger | undefined
  createConnection(options: ResolvedOptions, server: ResolvedServer): Connection
}

/** How one attempt on one broker ended. */
export type ServerAttempt =
  | { connection: Connection; error?: undefined }
  | { error: unknown; redirect: ServerRedirect | undefined; connection?: undefined }

/**
 * One attempt on one broker with a fresh connection: CONNECT, then CONNACK within `timeout`. With
 * the default protocol version (5, not set by the user), a broker that refuses MQTT 5 (as MQTT
 * 3.1.1-only brokers like aedes do, with CONNACK return code 1) is asked again with MQTT 3.1.1,
 * within the same time. Never rejects: a failure comes back with the broker's redirect, if any.
 */
export async function connectToServer(
  session: ConnectingSession,
  server: ResolvedServer,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<ServerAttempt> {
  const resolved = session.options
  const deadline = Date.now() + timeout
  const first = session.createConnection(resolved, server)
  try {
    await first.handshake(timeout, signal)
    return { connection: first }
  } catch (error) {
    if (resolved.protocolVersionExplicit || resolved.protocolVersion !== 5 || !isUnsupportedProtocol(error)) {
      return { error, redirect: first.redirect }
    }
    session.logger?.info({ address: server.address }, 'mqtt broker refused MQTT 5; trying MQTT 3.1.1')
  }
  const fallback = session.createConnection(withProtocolVersion(resolved, 4), server)
  try {
    await fallback.handshake(Math.max(deadline - Date.now(), 1), signal)
    return { connection: fallback }
  } catch (error) {
    return { error, redirect: fallback.redirect }
  }
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
