import type { IClientOptions } from '../mqttjs/types.js'
import type { TopicAliasMode } from '../outgoing/topic-aliases.js'
import type {
  AckMode,
  AuthOptions,
  FailoverOptions,
  Logger,
  ProxyOptions,
  ReconnectOptions,
  SocketOptions,
} from './client-options.js'
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

/** One broker the client may connect to: where, how, and as whom. */
export interface ResolvedServer {
  /** Credential-free description (`mqtts://host:8883`), for `client.server`, messages and logs. */
  address: string
  target: TransportTarget
  /** What MQTT.js needs to know of this broker (the CONNECT credentials, the WebSocket URL). */
  mqtt: Pick<IClientOptions, 'protocol' | 'hostname' | 'port' | 'username' | 'password'>
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
  /** MQTT 5 enhanced authentication (`auth`), whose method and data are in `mqtt.properties`. */
  auth: AuthOptions | undefined
  /** Whether the user chose `protocolVersion`, or `auth` (then no fallback from 5 to 4 happens). */
  protocolVersionExplicit: boolean
  /** Every broker to try, in order (the first is `target`/`address`); one unless a list was given. */
  servers: readonly ResolvedServer[]
  failover: Required<FailoverOptions>
  /** `Client.connect` resolves at once and connects in the background (`connectInBackground`). */
  connectInBackground: boolean
  /** Refuse control characters and non-characters in what is sent (`strictUtf8`). */
  strictUtf8: boolean
  /** Whether SUBSCRIBEs carry the client's Subscription Identifiers by default (MQTT 5). */
  subscriptionIdentifiers: boolean
  /** How PUBLISH topics use MQTT 5 topic aliases (`topicAliases`). */
  topicAliases: TopicAliasMode
}
