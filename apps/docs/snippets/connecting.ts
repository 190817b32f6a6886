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
