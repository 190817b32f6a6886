import { describeValue } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'
import type { BrokerOptions, BrokerTarget, ClientOptions } from './client-options.js'
import { parseBrokerUrl } from './parse-broker-url.js'
import { randomClientId, resolveOptions } from './resolve-options.js'
import type { ResolvedOptions } from './resolved-options.js'

/** The fields a broker of a list may set for itself (see {@link BrokerOptions}). */
const perBroker: ReadonlySet<string> = new Set<keyof BrokerOptions>([
  'url',
  'hostname',
  'port',
  'username',
  'password',
  'tls',
  'proxy',
  'transport',
  'websocketPath',
  'websocketHeaders',
  'bindAddress',
  'bindPort',
  'socketOptions',
])

/** Most brokers in one list: a cluster's addresses, not a scan. */
const maxBrokers = 64

/** One broker's own settings: its URL read, its explicit fields over what the URL says. */
function ownSettings(target: BrokerTarget, index: number, shared: ClientOptions): ClientOptions {
  const field = `targets[${index}]`
  if (
    typeof target !== 'string' &&
    (typeof target !== 'object' || target === null || Array.isArray(target))
  ) {
    throw new MqttValidationError(
      `${field} must be a broker URL or an options object, not ${describeValue(target)}`,
      field,
    )
  }
  const own: BrokerOptions = typeof target === 'string' ? { url: target } : target
  for (const [key, value] of Object.entries(own)) {
    if (value !== undefined && !perBroker.has(key)) {
      throw new MqttValidationError(
        `${field}.${key} cannot differ from one broker to another: give it in the shared options`,
        `${field}.${key}`,
      )
    }
  }
  const { url, ...explicit } = own
  const given = Object.fromEntries(Object.entries(explicit).filter(([, value]) => value !== undefined))
  if (url === undefined) return given
  const { secure, ...fromUrl } = parseBrokerUrl(url)
  const settings: ClientOptions = { ...fromUrl, ...given }
  // mqtts:// or wss:// means TLS: with the shared TLS settings (CA, client certificate) if any.
  if (secure && settings.tls === undefined) {
    settings.tls = shared.tls === undefined || shared.tls === false ? true : shared.tls
  }
  return settings
}

/**
 * Resolves a list of brokers (`Client.connect([url1, url2], options)`): each broker's URL or
 * options over the options they share, one client id for all. The first broker stands for the
 * list where one address is needed (`address`, `target`); `servers` holds them all, in order.
 * @throws {@link MqttValidationError} for an empty list, an address among the shared options, a
 * field that cannot differ per broker, brokers of different transports (TCP and WebSockets), or any
 * invalid option (as {@link resolveOptions} does).
 * @example
 * const resolved = resolveBrokerList(['mqtt://node-a:1883', { url: 'mqtts://node-b', username: 'b' }], { timeout: 5_000 })
 */
export function resolveBrokerList(
  targets: readonly BrokerTarget[],
  shared: ClientOptions = {},
): ResolvedOptions {
  if (targets.length === 0) throw new MqttValidationError('targets must list at least one broker', 'targets')
  if (targets.length > maxBrokers) {
    throw new MqttValidationError(
      `targets may list at most ${maxBrokers} brokers, not ${targets.length}`,
      'targets',
    )
  }
  if (typeof shared !== 'object' || shared === null || Array.isArray(shared)) {
    throw new MqttValidationError('the shared options must be an options object', 'options')
  }
  for (const field of ['url', 'hostname', 'port'] as const) {
    if (shared[field] !== undefined) {
      throw new MqttValidationError(
        `${field} cannot be a shared option with a list of brokers: give each broker its own address`,
        field,
      )
    }
  }
  const clientId = shared.clientId ?? randomClientId()
  const resolved = targets.map((target, index) =>
    resolveOptions({ ...shared, ...ownSettings(target, index, shared), clientId }),
  )
  const [first] = resolved
  if (first === undefined) throw new MqttValidationError('targets must list at least one broker', 'targets')
  // One MQTT.js client serves the whole list, and it cannot switch between TCP and WebSockets.
  const other = resolved.findIndex((one) => one.target.transport !== first.target.transport)
  if (other !== -1) {
    throw new MqttValidationError(
      `targets[${other}] uses ${resolved[other]?.target.transport} while targets[0] uses ${first.target.transport}: every broker of a list must use the same transport`,
      `targets[${other}]`,
    )
  }
  return { ...first, servers: resolved.flatMap((one) => one.servers) }
}
