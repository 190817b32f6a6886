import type { Connection } from '../mqttjs/connection.js'
import { isUnsupportedProtocol } from '../mqttjs/translate-error.js'
import type { Logger } from '../options/client-options.js'
import type { ResolvedOptions, ResolvedServer } from '../options/resolved-options.js'
import type { ServerRedirect } from '../reconnect/server-list.js'

/** The same options, speaking another protocol version (MQTT 5-only settings dropped for 3.1.1). */
export function withProtocolVersion(resolved: ResolvedOptions, protocolVersion: 3 | 4): ResolvedOptions {
  const { properties: _properties, ...mqtt } = resolved.mqtt
  const will = mqtt.will ? { ...mqtt.will, properties: undefined } : undefined
  return { ...resolved, protocolVersion, mqtt: { ...mqtt, protocolVersion, ...(will ? { will } : {}) } }
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
