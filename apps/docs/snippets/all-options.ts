import { Client } from '@await-mqtt/core'

export async function everyOption() {
  // #region all-options
  await using client = await Client.connect({
    url: undefined, // 'mqtt://', 'mqtts://', 'ws://' or 'wss://': stands for hostname, port, transport, tls
    hostname: 'localhost',
    port: 1883, // 8883 with TLS, 80/443 over WebSockets
    username: undefined,
    password: undefined, // string or Uint8Array; never logged, never in error messages
    logger: undefined, // pino-compatible: debug/info/warn/error
    clientId: undefined, // default: 'await-mqtt_' + 8 random hex digits; '' lets the broker assign one
    tls: false, // true (system trust store) or { ca, cert, key, rejectUnauthorized: true, servername, ... }
    proxy: undefined, // { type: 'socks5' | 'socks4' | 'http', host, port, username, password }
    protocolVersion: undefined, // 5, falling back to 4 (3.1.1) when the broker refuses 5; or force 3 | 4 | 5
    will: undefined, // { topic, payload, qos, retain, properties }
    clean: true, // clean session (3.1.1) / clean start (5)
    sessionExpiryInterval: undefined, // MQTT 5, seconds; with clean: false the broker keeps the session
    transport: 'tcp', // or 'websockets'
    keepalive: 60, // seconds; 0 turns it off
    bindAddress: undefined, // local address to connect from (Node)
    bindPort: undefined, // local port to connect from (Node)
    properties: undefined, // MQTT 5 CONNECT properties: receiveMaximum, userProperties, ...
    auth: undefined, // MQTT 5 enhanced authentication: { method, data, onChallenge }
    topicAliases: 'manual', // or 'auto': MQTT 5 topic aliases for repeated topics
    socketOptions: { noDelay: true, keepAlive: false }, // TCP socket settings (Node)
    maxConcurrentOutgoingCalls: undefined, // at most N publish/subscribe/unsubscribe in flight
    websocketPath: '/mqtt',
    websocketHeaders: undefined,
    timeout: 10_000, // ms, default of every call: connect, publish, subscribe, unsubscribe, close
    signal: undefined, // an AbortSignal that cancels connecting
    reconnect: false, // true or { minDelay, maxDelay, factor, jitter, maxAttempts, maxQueuedPublishes }
    ack: 'on-receipt', // or 'after-processing': PUBACK/PUBCOMP once the consumer moved past the message
    maxQueued: 10_000, // default bound of every message stream...
    overflow: 'drop-oldest', // ...and what a full one does: 'drop-oldest' | 'drop-newest' | 'error'
    mqtt: undefined, // MQTT.js options passed through as they are
  })
  // #endregion all-options
  return client
}
