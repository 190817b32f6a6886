import { Client, type Logger } from '@await-mqtt/core'

export async function urls() {
  // #region urls
  await using plain = await Client.connect('mqtt://broker.local') // TCP, port 1883
  await using secure = await Client.connect('mqtts://broker.local') // TLS, port 8883, verified
  await using browserLike = await Client.connect('wss://broker.local/mqtt') // WebSockets over TLS, port 443
  // The second argument adds to (and overrides) what the URL says:
  await using alice = await Client.connect('mqtt://broker.local:1884', {
    username: 'alice',
    password: process.env.MQTT_PASSWORD,
    keepalive: 30,
  })
  // #endregion urls
  return [plain, secure, browserLike, alice]
}

export async function optionsOnly() {
  // #region options-object
  await using client = await Client.connect({ hostname: 'broker.local', port: 1883, clientId: 'meter-17' })
  console.log(client.clientId, client.protocolVersion, client.connected) // 'meter-17' 5 true
  // #endregion options-object
}

export async function logging() {
  // #region logger
  // Any pino-compatible logger works (pino itself, or a child of Fastify's). Credentials never reach it.
  const logger: Logger = {
    debug: (fields, message) => console.debug(message, fields),
    info: (fields, message) => console.info(message, fields),
    warn: (fields, message) => console.warn(message, fields),
    error: (fields, message) => console.error(message, fields),
  }
  await using client = await Client.connect('mqtt://localhost', { logger })
  // #endregion logger
  return client
}

/** Stands for a SCRAM implementation: the client's messages computed from the server's. */
declare const scram: {
  clientFirst(): Uint8Array
  clientFinal(serverFirst: Uint8Array | undefined): Promise<Uint8Array>
}

export async function enhancedAuthentication() {
  // #region enhanced-auth
  await using client = await Client.connect('mqtts://broker.local', {
    auth: {
      method: 'SCRAM-SHA-256',
      data: scram.clientFirst(), // sent in CONNECT
      // Each AUTH 0x18 (Continue authentication) of the broker; the result goes back in an AUTH 0x18.
      onChallenge: (serverData) => scram.clientFinal(serverData),
    },
  })
  // Later, on the same connection (AUTH 0x19); rejects if the broker refuses (it disconnects).
  await client.reauthenticate(scram.clientFirst())
  // #endregion enhanced-auth
}

export async function assignedClientId() {
  // #region assigned-client-id
  await using client = await Client.connect('mqtt://broker.local', { clientId: '' })
  console.log(client.clientId) // the id the MQTT 5 broker assigned
  // #endregion assigned-client-id
}
