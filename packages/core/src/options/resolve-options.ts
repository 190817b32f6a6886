import { MqttValidationError } from '../errors/errors.js'
import { authority } from '../helpers/host.js'
import { sameFields } from '../helpers/same-fields.js'
import { incomingPacketBound } from '../incoming/incoming-limits.js'
import type { IClientOptions } from '../mqttjs/types.js'
import { nodeAvailable } from '../transport/builtins.js'
import { checkQueueOptions } from '../validation/checks.js'
import { checkMqttString, maxFieldBytes } from '../validation/mqtt-strings.js'
import type { ClientOptions, FailoverOptions, ReconnectOptions } from './client-options.js'
import { connectProperties, encodeValue, willMessage } from './connect-properties.js'
import { parseBrokerUrl } from './parse-broker-url.js'
import { resolveTls } from './resolve-tls.js'
import type { ResolvedOptions, ResolvedServer, TransportTarget } from './resolved-options.js'
import type { StreamLimits } from './stream-limits.js'
import { validateClientOptions } from './validate-client-options.js'

// The types live in resolved-options.ts so the socket openers can use them without importing this file back.
export type { ResolvedOptions, ResolvedServer, TransportTarget } from './resolved-options.js'

/** Default of `maxQueuedBytes`: 64 MiB per stream. */
const defaultMaxQueuedBytes = 64 * 1024 * 1024

/** Defaults of `reconnect: true`. */
export const reconnectDefaults: Readonly<Required<ReconnectOptions>> = {
  minDelay: 100,
  maxDelay: 30_000,
  factor: 2,
  jitter: 0.2,
  maxAttempts: Number.POSITIVE_INFINITY,
  maxQueuedPublishes: 1000,
  maxResends: 3,
}

/** Defaults of `failover`, and of the queue options: one frozen copy for every client given none. */
const defaultFailover: Readonly<Required<FailoverOptions>> = Object.freeze({
  shuffle: false,
  followRedirects: false,
  maxRedirects: 3,
})
const defaultQueue: StreamLimits = Object.freeze({
  maxQueued: 10_000,
  overflow: 'drop-oldest',
  maxQueuedBytes: defaultMaxQueuedBytes,
})

/**
 * The last broker resolved, shared by the next client resolved to the very same broker (every field
 * the same value or object): a process of thousands of clients of one broker keeps one copy of it.
 */
let lastServers: readonly [ResolvedServer] | undefined

/** `[server]`, or the same list of an earlier client when `server` is equal to its server. */
function sharedServers(server: ResolvedServer): readonly [ResolvedServer] {
  const last = lastServers?.[0]
  if (
    last !== undefined &&
    last.address === server.address &&
    sameFields(last.target, server.target) &&
    sameFields(last.mqtt, server.mqtt)
  )
    return lastServers as readonly [ResolvedServer]
  lastServers = Object.freeze([
    Object.freeze({ ...server, target: Object.freeze(server.target), mqtt: Object.freeze(server.mqtt) }),
  ] as const)
  return lastServers
}

/** A client id for a client that was given none. */
export function randomClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4))
  return `await-mqtt_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`
}

/** The fields of `object` that are set (an `undefined` field does not erase a default). */
function definedFields<T extends object>(object: T | undefined): Partial<T> {
  if (object === undefined) return {}
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>
}

function defaultPort(transport: 'tcp' | 'websockets', secure: boolean): number {
  if (transport === 'websockets') return secure ? 443 : 80
  return secure ? 8883 : 1883
}

function formatAddress(protocol: string, hostname: string, port: number, path: string): string {
  return `${protocol}://${authority(hostname, port)}${path}`
}

/** Merges a URL (if any) under the explicit options: explicit fields win over what the URL says. */
function mergeTarget(target: string | ClientOptions, overrides: ClientOptions): ClientOptions {
  const isOptions = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value)
  if ((typeof target !== 'string' && !isOptions(target)) || !isOptions(overrides)) {
    throw new MqttValidationError('the options must be a broker URL or an options object', 'options')
  }
  // Built by assignment, not with spreads: merging spreads of objects V8 has seen in many shapes
  // made dictionary-mode objects, about 2 KB of garbage per client connected.
  const merged: Record<string, unknown> = {}
  if (typeof target === 'string') merged.url = target
  else copyFields(merged, target, true)
  copyFields(merged, overrides, true)
  if (merged.url === undefined) return merged as ClientOptions
  const { secure, ...fromUrl } = parseBrokerUrl(merged.url as string)
  const options: Record<string, unknown> = {}
  copyFields(options, fromUrl, false)
  // Fields set to undefined do not erase what the URL says.
  copyFields(options, merged, false)
  if (secure && options.tls === undefined) options.tls = true
  return options as ClientOptions
}

/** Copies the own enumerable fields of `from` into `into` (those set to `undefined` too, if `undefinedToo`). */
function copyFields(into: Record<string, unknown>, from: object, undefinedToo: boolean): void {
  const source = from as Record<string, unknown>
  for (const key of Object.keys(source)) {
    const value = source[key]
    if (value !== undefined || undefinedToo) into[key] = value
  }
}

/** Outside Node (browsers) only WebSockets exist, without proxy, bind address or socket options. */
function refuseNodeOnly(options: ClientOptions): void {
  const nodeOnly = (['proxy', 'bindAddress', 'bindPort', 'socketOptions'] as const).find(
    (field) => options[field] !== undefined,
  )
  if (options.transport !== 'websockets') {
    throw new MqttValidationError(
      "only transport 'websockets' (ws:// or wss://) works outside Node",
      'transport',
    )
  }
  if (nodeOnly !== undefined) throw new MqttValidationError(`${nodeOnly} needs Node`, nodeOnly)
}

/**
 * Turns a URL and/or options into the client's settings, with every default applied.
 * Validates everything first: nothing is opened for options that cannot work.
 * @throws {@link MqttValidationError} naming the option at fault.
 * @example
 * const resolved = resolveOptions('mqtts://broker.local', { keepalive: 30 })
 * const client = createMqttClient(resolved) // attach listeners, then client.connect()
 */
export function resolveOptions(
  target: string | ClientOptions,
  overrides: ClientOptions = {},
): ResolvedOptions {
  const repeated = resolveRepeated(target, overrides)
  if (repeated !== undefined) return repeated
  const resolved = resolveFully(target, overrides)
  rememberPlain(target, overrides, resolved)
  return resolved
}

/**
 * The last options resolved that were only a URL and fields of plain values (strings, numbers,
 * booleans: nothing a caller could change in place afterwards), by field, and what they resolved to.
 */
let lastPlain:
  | { url: string | undefined; keys: string[]; values: unknown[]; resolved: ResolvedOptions }
  | undefined

/** The URL and the fields of a call made of plain values only, or undefined. */
function plainCall(
  target: string | ClientOptions,
  overrides: ClientOptions,
): { url: string | undefined; fields: Record<string, unknown> } | undefined {
  let url: string | undefined
  let fields: Record<string, unknown>
  if (typeof target === 'string') {
    url = target
    fields = overrides as Record<string, unknown>
  } else {
    if (typeof overrides !== 'object' || overrides === null || Object.keys(overrides).length > 0)
      return undefined
    fields = target as Record<string, unknown>
  }
  if (typeof fields !== 'object' || fields === null || Object.getPrototypeOf(fields) !== Object.prototype)
    return undefined
  for (const key in fields) {
    const value = fields[key]
    if (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol')
      return undefined
  }
  return { url, fields }
}

/**
 * Clients made alike (a gateway's, a load generator's: the same URL and options but for `clientId`)
 * resolve to the same settings: the next one takes the last one's, with its own client id checked
 * as the full validation would. Each client would otherwise run the whole validation again.
 */
function resolveRepeated(
  target: string | ClientOptions,
  overrides: ClientOptions,
): ResolvedOptions | undefined {
  const last = lastPlain
  if (last === undefined) return undefined
  const call = plainCall(target, overrides)
  if (call === undefined || call.url !== last.url) return undefined
  const keys = Object.keys(call.fields)
  if (keys.length !== last.keys.length) return undefined
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string
    if (key !== last.keys[index]) return undefined
    if (key !== 'clientId' && call.fields[key] !== last.values[index]) return undefined
  }
  const given = call.fields.clientId
  if (given !== undefined) {
    // The empty id (broker-assigned) and very long ones have rules of their own: the full path.
    if (typeof given !== 'string' || given === '' || given.length * 3 > maxFieldBytes) return undefined
    checkMqttString(given, 'clientId', last.resolved.strictUtf8)
  }
  const clientId = given ?? randomClientId()
  const { resolved } = last
  return { ...resolved, clientId, mqtt: { ...resolved.mqtt, clientId } }
}

function rememberPlain(
  target: string | ClientOptions,
  overrides: ClientOptions,
  resolved: ResolvedOptions,
): void {
  const call = plainCall(target, overrides)
  if (call === undefined) return
  const keys = Object.keys(call.fields)
  lastPlain = { url: call.url, keys, values: keys.map((key) => call.fields[key]), resolved }
}

function resolveFully(target: string | ClientOptions, overrides: ClientOptions): ResolvedOptions {
  const options = mergeTarget(target, overrides)
  validateClientOptions(options)
  const {
    hostname = 'localhost',
    transport = 'tcp',
    tls = false,
    clientId = randomClientId(),
    keepalive = 60,
    clean = true,
    timeout = 10_000,
    websocketPath = '/mqtt',
  } = options
  const secure = tls !== false
  const port = options.port ?? defaultPort(transport, secure)
  const protocol = transport === 'websockets' ? (secure ? 'wss' : 'ws') : secure ? 'mqtts' : 'mqtt'
  const protocolVersion = options.protocolVersion ?? 5
  const mqttOptions: IClientOptions = {
    protocol,
    hostname,
    port,
    clientId,
    keepalive,
    clean,
    protocolVersion,
    reconnectPeriod: 0,
    manualConnect: true,
    resubscribe: false,
    queueQoSZero: false,
    connectTimeout: timeout,
  }
  if (options.username !== undefined) mqttOptions.username = options.username
  if (options.password !== undefined) mqttOptions.password = encodeValue(options.password)
  const maxIncomingPacketSize = incomingPacketBound(options)
  const properties = connectProperties(options)
  if (properties !== undefined) mqttOptions.properties = properties
  // Tells an MQTT 5 broker the bound, so it drops a message too large for the client instead of
  // sending it (MQTT 5 §3.1.2.11.4): sending it would only make the client close the connection.
  if (protocolVersion === 5 && properties?.maximumPacketSize === undefined) {
    mqttOptions.properties = { ...properties, maximumPacketSize: maxIncomingPacketSize }
  }
  if (options.will !== undefined) mqttOptions.will = willMessage(options.will)
  if (!nodeAvailable()) refuseNodeOnly(options)
  const { reconnect } = options
  const transportTarget: TransportTarget = {
    transport,
    hostname,
    port,
    tls: secure ? resolveTls(tls, hostname) : undefined,
    proxy: options.proxy,
    bindAddress: options.bindAddress,
    bindPort: options.bindPort,
    socketOptions: options.socketOptions,
    websocketPath,
    websocketHeaders: options.websocketHeaders,
    connectTimeout: timeout,
  }
  const address = formatAddress(protocol, hostname, port, transport === 'websockets' ? websocketPath : '')
  const mqtt = { ...mqttOptions, ...options.mqtt }
  const servers = sharedServers({
    address,
    target: transportTarget,
    mqtt: {
      protocol: mqtt.protocol,
      hostname: mqtt.hostname,
      port: mqtt.port,
      username: mqtt.username,
      password: mqtt.password,
    },
  })
  return {
    mqtt,
    target: servers[0].target,
    address,
    servers,
    failover:
      options.failover === undefined
        ? defaultFailover
        : { ...defaultFailover, ...definedFields(options.failover) },
    connectInBackground: options.connectInBackground === true,
    clientId,
    timeout,
    maxConcurrentOutgoingCalls: options.maxConcurrentOutgoingCalls,
    logger: options.logger,
    queue: checkQueueOptions(
      { maxQueued: options.maxQueued, overflow: options.overflow, maxQueuedBytes: options.maxQueuedBytes },
      defaultQueue,
    ),
    reconnect:
      reconnect === undefined || reconnect === false
        ? undefined
        : {
            ...reconnectDefaults,
            ...(reconnect === true ? {} : definedFields(reconnect)),
          },
    ack: options.ack ?? 'on-receipt',
    protocolVersion,
    maxIncomingPacketSize,
    // Enhanced authentication exists only in MQTT 5: no fallback to 3.1.1 without it.
    protocolVersionExplicit: options.protocolVersion !== undefined || options.auth !== undefined,
    auth: options.auth,
    strictUtf8: options.strictUtf8 !== false,
    subscriptionIdentifiers: options.subscriptionIdentifiers !== false,
    topicAliases: options.topicAliases ?? 'manual',
  }
}
