import { MqttValidationError } from '../errors/errors.js'
import { isUnsupportedProtocol } from '../mqttjs/translate-error.js'
import type { ResolvedOptions } from '../options/resolved-options.js'
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

/**
 * Connects the session: CONNECT, then CONNACK within the timeout. With the default protocol
 * version (5, not set by the user), a broker that refuses MQTT 5 (as MQTT 3.1.1-only brokers like
 * aedes do, with CONNACK return code 1) is asked again with MQTT 3.1.1 — within the same timeout.
 * @throws {@link MqttConnectError} (or the signal's reason).
 */
export async function connectSession(session: Session, signal?: unknown): Promise<void> {
  const abort = checkSignal(signal)
  const resolved = session.options
  const deadline = Date.now() + resolved.timeout
  const first = session.createConnection(resolved)
  try {
    await first.handshake(resolved.timeout, abort)
    session.attach(first)
    return
  } catch (error) {
    if (resolved.protocolVersionExplicit || resolved.protocolVersion !== 5 || !isUnsupportedProtocol(error)) {
      session.connectFailed()
      throw error
    }
    session.logger?.info({ address: resolved.address }, 'mqtt broker refused MQTT 5; trying MQTT 3.1.1')
  }
  const fallback = session.createConnection(withProtocolVersion(resolved, 4))
  try {
    await fallback.handshake(Math.max(deadline - Date.now(), 1), abort)
    session.attach(fallback)
  } catch (error) {
    session.connectFailed()
    throw error
  }
}
