import type { ResolvedOptions } from './resolved-options.js'

/** What stands in for a secret in logs. */
export const redacted = '[redacted]'

function count(value: unknown): string {
  const n = Array.isArray(value) ? value.length : 1
  return `[${n} PEM/DER value${n === 1 ? '' : 's'}]`
}

/**
 * A description of resolved options that is safe to log: the user name stays, every password,
 * passphrase, private key, authentication data and proxy password is replaced by `[redacted]`
 * (and certificates by a count), whatever the logger does with it.
 * @example logger.debug({ options: redactOptions(resolved) }, 'mqtt connecting')
 */
export function redactOptions(resolved: ResolvedOptions): Record<string, unknown> {
  const { mqtt, target } = resolved
  const properties = mqtt.properties && {
    ...mqtt.properties,
    ...(mqtt.properties.authenticationData === undefined ? {} : { authenticationData: redacted }),
  }
  const tls = target.tls && {
    rejectUnauthorized: target.tls.rejectUnauthorized,
    servername: target.tls.servername,
    ciphers: target.tls.ciphers,
    minVersion: target.tls.minVersion,
    ALPNProtocols: target.tls.ALPNProtocols,
    ca: target.tls.ca === undefined ? undefined : count(target.tls.ca),
    cert: target.tls.cert === undefined ? undefined : count(target.tls.cert),
    key: target.tls.key === undefined ? undefined : redacted,
    passphrase: target.tls.passphrase === undefined ? undefined : redacted,
  }
  const proxy = target.proxy && {
    type: target.proxy.type,
    host: target.proxy.host,
    port: target.proxy.port,
    username: target.proxy.username,
    password: target.proxy.password === undefined ? undefined : redacted,
  }
  return {
    address: resolved.address,
    clientId: resolved.clientId,
    username: mqtt.username,
    password: mqtt.password === undefined ? undefined : redacted,
    protocolVersion: resolved.protocolVersion,
    keepalive: mqtt.keepalive,
    clean: mqtt.clean,
    properties,
    will: mqtt.will && { topic: mqtt.will.topic, qos: mqtt.will.qos, retain: mqtt.will.retain },
    transport: target.transport,
    tls,
    proxy,
    bindAddress: target.bindAddress,
    bindPort: target.bindPort,
    socketOptions: target.socketOptions,
    websocketHeaders: target.websocketHeaders && Object.keys(target.websocketHeaders),
    timeout: resolved.timeout,
    reconnect: resolved.reconnect,
  }
}
