import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { MqttValidationError } from './errors.js'
import { incomingPacketBound } from './incoming-limits.js'
import type { StreamLimits } from './message-stream.js'
import { mqttJsLog } from './mqtt-debug-log.js'
import { nodeAvailable } from './node/builtins.js'
import { createNodeStreamBuilder, nodeWebSocketOptions } from './node/stream-builder.js'
import type {
  AckMode,
  ClientOptions,
  Logger,
  ProxyOptions,
  ReconnectOptions,
  SocketOptions,
} from './options.js'
import { redactOptions } from './options-redact.js'
import { connectProperties, encodeValue, willMessage } from './options-session.js'
import { type ResolvedTls, resolveTls } from './options-tls.js'
import { parseBrokerUrl } from './options-url.js'
import { validateClientOptions } from './options-validate.js'
import { checkQueueOptions } from './validation.js'

type WsOptions = NonNullable<IClientOptions['wsOptions']>

/** Where and how the connection goes: the part of the options that builds the socket. */
export interface TransportTarget {
  transport: 'tcp' | 'websockets'
  hostname: string
  port: number
  /** TLS settings with defaults applied; undefined for a plain connection. */
  tls: ResolvedTls | undefined
  proxy: ProxyOptions | undefined
  bindAddress: string | undefined
  bindPort: number | undefined
  socketOptions: SocketOptions | undefined
  /** Path of the WebSocket endpoint (websockets only). */
  websocketPath: string
  websocketHeaders: Record<string, string> | undefined
  /** Bound on opening the socket (proxy handshake and TLS included), in ms. */
  connectTimeout: number
}

/** Everything the client needs, with defaults applied; built once by {@link resolveOptions}. */
export interface ResolvedOptions {
  /** MQTT.js options for {@link createMqttClient} (no socket details: see `target`). */
  mqtt: IClientOptions
  /** How the socket is opened. */
  target: TransportTarget
  /** Credential-free description of the broker, for messages and logs (`mqtts://host:8883`). */
  address: string
  clientId: string
  /** Default timeout of every call, in ms. */
  timeout: number
  maxConcurrentOutgoingCalls: number | undefined
  logger: Logger | undefined
  queue: StreamLimits
  reconnect: Required<ReconnectOptions> | undefined
  ack: AckMode
  protocolVersion: 3 | 4 | 5
  /** The largest packet accepted from the broker, in bytes (fixed header included). */
  maxIncomingPacketSize: number
  /** Whether the user chose `protocolVersion` (then no fallback from 5 to 4 happens). */
  protocolVersionExplicit: boolean
  /** Refuse control characters and non-characters in what is sent (`strictUtf8`). */
  strictUtf8: boolean
}

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

function randomClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4))
  return `await-mqtt_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`
}

function defaultPort(transport: 'tcp' | 'websockets', secure: boolean): number {
  if (transport === 'websockets') return secure ? 443 : 80
  return secure ? 8883 : 1883
}

function formatAddress(protocol: string, hostname: string, port: number, path: string): string {
  return `${protocol}://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}${path}`
}

/** Merges a URL (if any) under the explicit options: explicit fields win over what the URL says. */
function mergeTarget(target: string | ClientOptions, overrides: ClientOptions): ClientOptions {
  const isOptions = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value)
  if ((typeof target !== 'string' && !isOptions(target)) || !isOptions(overrides)) {
    throw new MqttValidationError('the options must be a broker URL or an options object', 'options')
  }
  const base: ClientOptions = typeof target === 'string' ? { url: target } : target
  const merged: ClientOptions = { ...base, ...overrides }
  if (merged.url === undefined) return merged
  const { secure, ...fromUrl } = parseBrokerUrl(merged.url)
  // Fields set to undefined do not erase what the URL says.
  const given = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined))
  const options: ClientOptions = { ...fromUrl, ...given }
  if (secure && options.tls === undefined) options.tls = true
  return options
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
    maxQueued = 10_000,
    overflow = 'drop-oldest',
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
  return {
    mqtt: { ...mqttOptions, ...options.mqtt },
    target: {
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
    },
    address: formatAddress(protocol, hostname, port, transport === 'websockets' ? websocketPath : ''),
    clientId,
    timeout,
    maxConcurrentOutgoingCalls: options.maxConcurrentOutgoingCalls,
    logger: options.logger,
    queue: checkQueueOptions(
      { maxQueued, overflow, maxQueuedBytes: options.maxQueuedBytes },
      { maxQueued, overflow, maxQueuedBytes: defaultMaxQueuedBytes },
    ),
    reconnect:
      reconnect === undefined || reconnect === false
        ? undefined
        : {
            ...reconnectDefaults,
            ...(reconnect === true
              ? {}
              : Object.fromEntries(Object.entries(reconnect).filter(([, value]) => value !== undefined))),
          },
    ack: options.ack ?? 'on-receipt',
    protocolVersion,
    maxIncomingPacketSize,
    protocolVersionExplicit: options.protocolVersion !== undefined,
    strictUtf8: options.strictUtf8 !== false,
  }
}

/**
 * Builds an MQTT.js client that does not connect until its `connect()` is called (attach your
 * listeners first) and never reconnects by itself. Over TCP (Node) the socket is ours: TLS,
 * proxies, bind address and socket options are applied there; over WebSockets MQTT.js's own
 * transport is used. Call it again (e.g. with another `protocolVersion`) for a fresh client.
 * @example
 * const client = createMqttClient(resolveOptions('mqtt://localhost'))
 * client.once('connect', onConnack)
 * client.connect()
 */
export function createMqttClient(resolved: ResolvedOptions): MqttClient {
  const options: IClientOptions = {
    log: mqttJsLog(),
    ...resolved.mqtt,
    protocolVersion: resolved.protocolVersion,
    protocolId: resolved.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    manualConnect: true,
    reconnectPeriod: 0,
  }
  const { target, logger } = resolved
  logger?.debug({ options: redactOptions(resolved) }, 'mqtt client created')
  if (target.transport === 'tcp') {
    return new mqtt.MqttClient(createNodeStreamBuilder(target, logger), options)
  }
  options.path = target.websocketPath
  options.hostname = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname
  if (nodeAvailable())
    options.wsOptions = { ...nodeWebSocketOptions(target, logger), ...resolved.mqtt.wsOptions } as WsOptions
  else if (target.tls) Object.assign(options, target.tls)
  return mqtt.connect(options)
}
