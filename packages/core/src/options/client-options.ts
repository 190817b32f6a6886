import type { IClientOptions } from '../mqttjs/types.js'
import type { TopicAliasMode } from '../outgoing/topic-aliases.js'

/** MQTT quality of service: 0 at most once, 1 at least once, 2 exactly once. */
export type QoS = 0 | 1 | 2

/** What a message payload may be given as. `null` sends an empty payload; numbers and booleans are sent as text. */
export type PayloadInput = string | Uint8Array | number | boolean | null

/** MQTT 5 user properties: each key may repeat. */
export type UserProperties = Record<string, string | string[]>

/** A pino-compatible logger. Credentials are never passed to it. */
export interface Logger {
  debug(object: object, message?: string): void
  info(object: object, message?: string): void
  warn(object: object, message?: string): void
  error(object: object, message?: string): void
}

/** TLS settings, as Node's `tls.connect` takes them. Verification is on unless you turn it off. */
export interface TlsOptions {
  /** Certificate authorities to trust instead of the system's. */
  ca?: string | Uint8Array | Array<string | Uint8Array>
  /** Client certificate, for mutual TLS. */
  cert?: string | Uint8Array | Array<string | Uint8Array>
  /** Client private key, for mutual TLS. */
  key?: string | Uint8Array | Array<string | Uint8Array>
  /** Passphrase of `key`. */
  passphrase?: string
  /** Refuse servers whose certificate does not verify. @default true */
  rejectUnauthorized?: boolean
  /** Server name for SNI and certificate checks. @default the hostname */
  servername?: string
  /** OpenSSL cipher list. */
  ciphers?: string
  /** Lowest TLS version to accept. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3'
  /** ALPN protocols, e.g. `['mqtt']` for AWS IoT on port 443. */
  ALPNProtocols?: string[]
}

/** A proxy the connection goes through. */
export interface ProxyOptions {
  /** `socks5` and `socks4` speak SOCKS; `http` uses HTTP CONNECT. */
  type: 'socks5' | 'socks4' | 'http'
  host: string
  port: number
  username?: string
  password?: string
}

/** The message the broker publishes when this client disappears without DISCONNECT. */
export interface WillOptions {
  topic: string
  payload?: PayloadInput
  /** @default 0 */
  qos?: QoS
  /** @default false */
  retain?: boolean
  /** MQTT 5 will properties. */
  properties?: {
    willDelayInterval?: number
    payloadFormatIndicator?: boolean
    messageExpiryInterval?: number
    contentType?: string
    responseTopic?: string
    correlationData?: Uint8Array
    userProperties?: UserProperties
  }
}

/** MQTT 5 CONNECT properties. */
export interface ConnectProperties {
  sessionExpiryInterval?: number
  receiveMaximum?: number
  maximumPacketSize?: number
  topicAliasMaximum?: number
  requestResponseInformation?: boolean
  requestProblemInformation?: boolean
  userProperties?: UserProperties
  authenticationMethod?: string
  authenticationData?: Uint8Array
}

/**
 * What `auth.onChallenge` answers: the Authentication Data of the client's next AUTH packet
 * (undefined for none), or a promise of it.
 */
export type AuthResponse = Uint8Array | undefined | Promise<Uint8Array | undefined>

/**
 * MQTT 5 enhanced authentication (section 4.12): SCRAM, Kerberos-style challenge/response.
 * @example
 * const auth: AuthOptions = {
 *   method: 'SCRAM-SHA-256',
 *   data: clientFirstMessage,
 *   onChallenge: async (serverMessage) => clientFinalMessage(serverMessage),
 * }
 */
export interface AuthOptions {
  /** The Authentication Method sent in CONNECT, e.g. `'SCRAM-SHA-256'`. */
  method: string
  /** The Authentication Data sent in CONNECT (the client's first message). */
  data?: Uint8Array
  /**
   * Answers each challenge of the broker: an AUTH packet with reason code 0x18 (Continue
   * authentication), while connecting or re-authenticating. Its result is sent back in an AUTH
   * 0x18. If it throws or rejects, the connection is closed: `Client.connect()` rejects with an
   * `MqttConnectError` of failure `'auth-challenge'` (its error as `cause`). Without it, a
   * challenge fails the same way.
   * @param data the broker's Authentication Data, if any
   * @param reasonCode the AUTH reason code (0x18)
   */
  onChallenge?(data: Uint8Array | undefined, reasonCode: number): AuthResponse
}

/** TCP socket settings, applied to the socket to the broker (or to the proxy). Node only. */
export interface SocketOptions {
  /**
   * Send small packets at once (disables Nagle's algorithm): lowest latency. `false` lets the
   * kernel coalesce small packets, which can raise throughput with many acknowledgements in flight
   * (QoS 2 with 20 in flight on aedes measured 0.68x raw MQTT.js with `true`, 0.91x with `false`).
   * @default true
   */
  noDelay?: boolean
  /** Send TCP keepalive probes on an idle socket. @default false */
  keepAlive?: boolean
  /** Idle time before the first TCP keepalive probe, in ms. @default 0 (the system's) */
  keepAliveInitialDelay?: number
}

/** Opt-in automatic reconnection: the client, its streams and subscriptions survive a lost connection. */
export interface ReconnectOptions {
  /** First delay before reconnecting, in ms. @default 100 */
  minDelay?: number
  /** Longest delay between attempts, in ms. @default 30000 */
  maxDelay?: number
  /** Each failed attempt multiplies the delay by this. @default 2 */
  factor?: number
  /** Random share of the delay (0..1) added or removed, so clients do not reconnect in lockstep. @default 0.2 */
  jitter?: number
  /** Give up (and end every stream with MqttConnectionLostError) after this many failed attempts. @default Infinity */
  maxAttempts?: number
  /**
   * Most publishes that may wait for the connection to come back; one more rejects at once with an
   * `MqttError` of code `QUEUE_OVERFLOW`. Each waits at most its own `timeout`. @default 1000
   */
  maxQueuedPublishes?: number
  /**
   * Poison protection: a QoS 1/2 publish is resent after a reconnection at most this many times
   * when the connection keeps dropping while it is unacknowledged (a broker closes the connection
   * on a PUBLISH it refuses); then it is given up, its call rejects with `MqttUndeliverableError`
   * and the messages queued behind it go on. Only resends count (the first transmission may share a
   * dropped connection with other messages); `0` resends nothing: every publish still unacknowledged
   * when the connection comes back is given up. `Infinity` resends forever. @default 3
   */
  maxResends?: number
}

/**
 * How a client given several brokers (`Client.connect([url1, url2])`) moves between them.
 * @example
 * await Client.connect(['mqtt://node-a', 'mqtt://node-b'], { reconnect: true, failover: { shuffle: true } })
 */
export interface FailoverOptions {
  /**
   * Try the brokers in a random order (drawn once, at connect) instead of the order given, so that
   * many clients with the same list spread over the cluster. @default false
   */
  shuffle?: boolean
  /**
   * Follow an MQTT 5 Server Reference: a CONNACK or DISCONNECT with reason code 0x9C (Use another
   * server) or 0x9D (Server moved) and a `serverReference` property sends the client to that server
   * (same transport, TLS settings and credentials as the broker that sent it). Off by default: a
   * broker could otherwise send the client anywhere. @default false
   */
  followRedirects?: boolean
  /**
   * Most redirects followed in a row; past it a redirect counts as a refused connection and the
   * client goes on with its list and backoff, so two servers pointing at each other cannot bounce it
   * forever. The row ends when a connection stays up for `timeout` ms. @default 3
   */
  maxRedirects?: number
}

/**
 * One broker of a list given to `Client.connect`: a URL, or the options that say where and how to
 * reach it. Fields set here (and what its URL says) win over the options shared by every broker.
 */
export type BrokerTarget = string | BrokerOptions

/** The options that may differ from one broker of a list to another. */
export type BrokerOptions = Pick<
  ClientOptions,
  | 'url'
  | 'hostname'
  | 'port'
  | 'username'
  | 'password'
  | 'tls'
  | 'proxy'
  | 'transport'
  | 'websocketPath'
  | 'websocketHeaders'
  | 'bindAddress'
  | 'bindPort'
  | 'socketOptions'
>

/**
 * When received QoS 1/2 messages are acknowledged (PUBACK / PUBREC):
 * - `on-receipt`: as soon as they arrive (MQTT.js's behaviour);
 * - `after-processing`: once every stream that got the message has moved past it (its consumer
 *   asked for the next message, closed the stream, or the stream dropped it). The broker sends at
 *   most its in-flight window (MQTT 5: `properties.receiveMaximum`) of unacknowledged messages, so
 *   a slow consumer slows the broker instead of filling memory. Keepalive keeps working meanwhile.
 * - `manual`: when the program calls `message.ack()` (or, MQTT 5, refuses it with
 *   `message.reject(reasonCode)`), in any order across messages. A message never answered is sent
 *   again by the broker after a reconnection (persistent session); the in-flight window bounds how
 *   many unanswered messages the client holds. A message no stream takes, or that streams drop or
 *   discard before the program reads it, is acknowledged at once.
 */
export type AckMode = 'on-receipt' | 'after-processing' | 'manual'

/** What a full message stream does with one more message. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error'

/** Bounds of a message stream's queue. */
export interface QueueOptions {
  /** Most messages a stream holds before its overflow policy applies. @default 10000 */
  maxQueued?: number
  /**
   * Most payload bytes a stream holds before its overflow policy applies (as `maxQueued` does by
   * count): `drop-oldest` drops the oldest messages until the new one fits, `drop-newest` drops the
   * new one, `error` ends the stream with `QUEUE_OVERFLOW`. A message handed straight to a waiting
   * reader is not queued. @default 67108864 (64 MiB)
   */
  maxQueuedBytes?: number
  /** @default 'drop-oldest' */
  overflow?: OverflowPolicy
}

/**
 * Everything `Client.connect` accepts. Only a broker address is needed: a `url`, or a `hostname`.
 * @example
 * await Client.connect({ hostname: 'broker.local', username: 'alice', password: 'secret', keepalive: 30 })
 */
export interface ClientOptions extends QueueOptions {
  /** `mqtt://`, `mqtts://`, `ws://` or `wss://` URL; stands for hostname, port, transport and TLS. */
  url?: string
  /** @default 'localhost' */
  hostname?: string
  /** @default 1883 (tcp), 8883 (tls), 80/443 (websockets) */
  port?: number
  username?: string
  password?: string | Uint8Array
  logger?: Logger
  /**
   * `''` asks the broker to assign one (MQTT 3.1.1 and 5, with `clean: true` only); under MQTT 5
   * `client.clientId` then shows the id the broker assigned.
   * @default a random id (`await-mqtt_` + 8 hex digits)
   */
  clientId?: string
  /** `true` for TLS with the system's trust store, or Node TLS options. @default false (true for mqtts:// and wss://) */
  tls?: boolean | TlsOptions
  proxy?: ProxyOptions
  /** 3 = MQTT 3.1, 4 = MQTT 3.1.1, 5 = MQTT 5.0. @default 5, falling back to 4 when the broker refuses 5 and this was not set */
  protocolVersion?: 3 | 4 | 5
  will?: WillOptions
  /** Start a clean session (MQTT 3.1.1 clean session, MQTT 5 clean start). @default true */
  clean?: boolean
  /** MQTT 5 session expiry in seconds; with `clean: false` the broker keeps the session this long. */
  sessionExpiryInterval?: number
  /** @default 'tcp' */
  transport?: 'tcp' | 'websockets'
  /** Seconds between PINGREQs when idle; 0 turns keepalive off. @default 60 */
  keepalive?: number
  /** Local address to connect from. */
  bindAddress?: string
  /** Local port to connect from. */
  bindPort?: number
  /** MQTT 5 CONNECT properties. */
  properties?: ConnectProperties
  /**
   * MQTT 5 enhanced authentication: the method, its first data and the challenge handler; see
   * {@link AuthOptions}. Implies MQTT 5 (no fallback to 3.1.1). Re-authenticate with
   * `client.reauthenticate()`.
   */
  auth?: AuthOptions
  /** TCP socket settings (Node): Nagle off, TCP keepalive probes. */
  socketOptions?: SocketOptions
  /** At most this many publish/subscribe/unsubscribe calls in flight at once; the rest wait their turn. @default unlimited */
  maxConcurrentOutgoingCalls?: number
  /** @default '/mqtt' */
  websocketPath?: string
  websocketHeaders?: Record<string, string>
  /** Default timeout of every call (connect, publish, subscribe, unsubscribe, close), in ms. @default 10000 */
  timeout?: number
  /** Cancels `Client.connect`: it rejects with the signal's reason and leaves nothing open. */
  signal?: AbortSignal
  /** Opt-in reconnection; off by default (a lost connection ends every stream). */
  reconnect?: boolean | ReconnectOptions
  /**
   * With several brokers: their order (`shuffle`) and whether MQTT 5 server redirects are followed.
   * See {@link FailoverOptions}.
   */
  failover?: FailoverOptions
  /**
   * Start without the broker: `Client.connect` resolves at once, in state `reconnecting`, and the
   * client connects in the background with the `reconnect` backoff (required). Calls wait for the
   * connection within their own timeouts, as during a reconnection; `client.events()` says
   * `connected` when it comes. Meant for services that must start while the broker is down.
   * @default false (connect resolves only once a broker accepted the connection)
   */
  connectInBackground?: boolean
  /** When received QoS 1/2 messages are acknowledged; see {@link AckMode}. @default 'on-receipt' */
  ack?: AckMode
  /**
   * Refuse, in every string the client sends (topics, filters, client id, user name, properties,
   * user properties), the control characters U+0001–U+001F and U+007F–U+009F and the
   * non-characters (U+FFFE, U+FFFF...) that MQTT says SHOULD NOT be sent and brokers such as
   * mosquitto answer by disconnecting. `false` lets them through (for brokers that accept them);
   * U+0000 and lone surrogates are refused either way.
   * @default true
   */
  strictUtf8?: boolean
  /**
   * The largest packet accepted from the broker, in bytes (fixed header included). A bigger one is
   * refused from its first bytes, before its body is read: the client closes the connection
   * (DISCONNECT 0x95 Packet too large under MQTT 5), as for any broken packet. Under MQTT 5 the
   * smaller of this and `properties.maximumPacketSize` applies, and this bound is sent in CONNECT
   * (Maximum Packet Size) unless `properties.maximumPacketSize` is set, so a broker drops a message
   * too large for the client instead of sending it.
   * @default 16777216 (16 MiB)
   */
  maxIncomingPacketSize?: number
  /**
   * MQTT 5: give each subscribed filter a Subscription Identifier, so that a message matching
   * overlapping subscriptions reaches each stream once, whether the broker sends one copy per
   * matching subscription (as mosquitto does) or one copy for all. `false` sends SUBSCRIBEs without
   * them (for brokers that limit or mishandle them; `subscribe()` can also turn them off per call):
   * messages are then routed by topic alone, and a stream whose filters overlap another
   * subscription's gets every copy the broker sends — a message twice when the broker sends one
   * copy per matching subscription. Subscriptions that do not overlap are not affected.
   * @default true
   */
  subscriptionIdentifiers?: boolean
  /**
   * MQTT 5 topic aliases for what this client publishes: `'manual'` uses only the aliases set in
   * `properties.topicAlias`; `'auto'` also gives each topic an alias within the broker's Topic Alias
   * Maximum and sends the alias alone when the topic repeats. Aliases are set anew on each connection.
   * See {@link TopicAliasMode}. @default 'manual'
   */
  topicAliases?: TopicAliasMode
  /** MQTT.js options passed through as they are, for what this interface does not cover. */
  mqtt?: Partial<IClientOptions>
}

/** Options every awaitable call accepts. */
export interface CallOptions {
  /** Cancels the call; it rejects with the signal's reason. */
  signal?: AbortSignal
  /** In ms. @default the client's `timeout` */
  timeout?: number
}
