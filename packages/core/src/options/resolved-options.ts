import type { IClientOptions } from '../mqttjs/types.js'
import type { AckMode, Logger, ProxyOptions, ReconnectOptions, SocketOptions } from './client-options.js'
import type { ResolvedTls } from './resolve-tls.js'
import type { StreamLimits } from './stream-limits.js'

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

/** Everything the client needs, with defaults applied; built once by `resolveOptions()` (resolve-options.ts). */
export interface ResolvedOptions {
  /** MQTT.js options for `createMqttClient()` (no socket details: see `target`). */
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
  /** Whether SUBSCRIBEs carry the client's Subscription Identifiers by default (MQTT 5). */
  subscriptionIdentifiers: boolean
}
