/**
 * Seed: "Configuring the client".
 *
 * `everyOption` lists each option `Client.connect` takes, set to its default (`undefined` = none).
 * The `satisfies` clause makes this file stop compiling when the client gains or loses an option,
 * so the list cannot go stale. `main` then connects with a sensible subset.
 * @module
 */
import { Client, type ClientOptions, type Logger } from '@await-mqtt/core'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

export const everyOption = {
  url: undefined, // 'mqtt://', 'mqtts://', 'ws://', 'wss://': stands for hostname, port, transport and TLS
  hostname: 'localhost',
  port: 1883, // 8883 with TLS, 80 / 443 over WebSockets
  username: undefined,
  password: undefined, // string or bytes; never logged, never in error messages
  logger: undefined, // pino-compatible: debug/info/warn/error(object, message)
  clientId: undefined, // 'await-mqtt_' + 8 random hex digits; '' lets an MQTT 5 broker assign one
  tls: false, // true for mqtts:// and wss://; or { ca, cert, key, passphrase, rejectUnauthorized: true, servername, ciphers, minVersion, ALPNProtocols }
  proxy: undefined, // { type: 'socks5' | 'socks4' | 'http', host, port, username, password }
  protocolVersion: undefined, // 5, falling back to 4 (3.1.1) when the broker refuses 5; setting it turns the fallback off
  will: undefined, // { topic, payload, qos: 0, retain: false, properties }
  clean: true, // clean session (3.1.1) / clean start (5)
  sessionExpiryInterval: undefined, // MQTT 5, seconds
  transport: 'tcp', // or 'websockets'
  keepalive: 60, // seconds; 0 turns it off
  bindAddress: undefined, // local address to connect from
  bindPort: undefined, // local port to connect from
  properties: undefined, // MQTT 5 CONNECT properties: receiveMaximum, topicAliasMaximum, userProperties...
  auth: undefined, // MQTT 5 enhanced authentication: { method, data, onChallenge(data, reasonCode) }
  topicAliases: 'manual', // or 'auto': MQTT 5 topic aliases for repeated topics, within the broker's maximum
  socketOptions: { noDelay: true, keepAlive: false, keepAliveInitialDelay: 0 },
  maxConcurrentOutgoingCalls: undefined, // unlimited
  websocketPath: '/mqtt',
  websocketHeaders: undefined, // extra headers of the WebSocket upgrade request (Node)
  timeout: 10_000, // ms; the default of every call: connect, publish, subscribe, unsubscribe, close
  signal: undefined, // an AbortSignal that cancels Client.connect
  reconnect: false, // or true, or { minDelay: 100, maxDelay: 30_000, factor: 2, jitter: 0.2, maxAttempts: Infinity, maxQueuedPublishes: 1000 }
  failover: undefined, // with several brokers: { shuffle: false, followRedirects: false, maxRedirects: 3 }
  connectInBackground: false, // with reconnect: resolve at once and connect in the background
  ack: 'on-receipt', // or 'after-processing' (PUBACK/PUBREC once every stream moved past the message), or 'manual' (message.ack())
  maxQueued: 10_000, // messages a stream holds before `overflow` applies
  maxQueuedBytes: 64 * 1024 * 1024, // payload bytes a stream holds before `overflow` applies
  overflow: 'drop-oldest', // or 'drop-newest', or 'error'
  maxIncomingPacketSize: 16 * 1024 * 1024, // larger packets from the broker close the connection (0x95)
  strictUtf8: true, // refuse control characters and non-characters in what is sent (brokers disconnect for them)
  subscriptionIdentifiers: true, // MQTT 5: false sends SUBSCRIBEs without them (overlapping subscriptions then deliver duplicates)
  mqtt: undefined, // MQTT.js options passed through as they are
} satisfies { [Option in keyof Required<ClientOptions>]: ClientOptions[Option] }

/**
 * A pino-compatible logger printing through `log`, debug lines without their details (in a real
 * application, pass `pino()`).
 */
function printingLogger(log: (line: string) => void): Logger {
  const print = (level: string) => (object: object, message?: string) =>
    log(`[${level}] ${message ?? ''}${level === 'debug' ? '' : ` ${JSON.stringify(object)}`}`)
  return { debug: print('debug'), info: print('info'), warn: print('warn'), error: print('error') }
}

export async function main({ url, log, prefix = 'demo' }: ExampleContext): Promise<void> {
  log(
    `ClientOptions has ${Object.keys(everyOption).length} options, each listed with its default in everyOption`,
  )
  const options: ClientOptions = {
    clientId: `examples-configured-${process.pid}`,
    keepalive: 30,
    clean: true,
    timeout: 5_000,
    maxConcurrentOutgoingCalls: 16,
    maxQueued: 1_000,
    overflow: 'drop-oldest',
    socketOptions: { noDelay: true, keepAlive: true },
    will: { topic: `${prefix}/clients/configured`, payload: 'gone', qos: 1 },
    logger: printingLogger(log),
  }
  log(`connecting with: ${Object.keys(options).join(', ')}`)
  await using client = await Client.connect(url, options)
  const version = client.protocolVersion === 5 ? 'MQTT 5.0' : `MQTT 3.1.1 (the broker refused 5)`
  log(`connected as ${client.clientId} with ${version}`)
  await client.publish(`${prefix}/clients/configured`, 'here', { qos: 1 })
  log('published with QoS 1; closing (a graceful DISCONNECT: the broker discards the will)')
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
