// MQTT.js 5's promise API (connectAsync, publishAsync, subscribeAsync, endAsync): the "before"
// column of the migration guide. Type-checked against mqtt 5.
import mqtt from 'mqtt'

export async function connect() {
  // #region connect
  // resolves on the first CONNACK; while the broker cannot be reached it retries every
  // reconnectPeriod (1 s) and the promise stays pending (MQTT.js #1824, #1776)
  const client = await mqtt.connectAsync('mqtt://localhost', { username: 'alice', password: 'secret' })
  // #endregion connect
  return client
}

export async function receive(client: mqtt.MqttClient) {
  // #region receive
  await client.subscribeAsync(['sensors/+/temperature', 'jobs/#'], { qos: 1 })
  // one event for every message of every subscription: route by topic yourself
  client.on('message', (topic, payload) => {
    if (topic.startsWith('sensors/')) console.log('temperature', payload.toString())
    else if (topic.startsWith('jobs/')) console.log('job', payload.toString())
  })
  // #endregion receive
}

export function slowConsumer(client: mqtt.MqttClient) {
  // #region queue
  client.on('message', async (_topic, payload) => {
    // not awaited by MQTT.js: the next message starts this handler again at once, however
    // many are still running; nothing bounds them
    await store(JSON.parse(payload.toString()))
  })
  // #endregion queue
}

export function ackAfterProcessing(client: mqtt.MqttClient) {
  // #region ack
  // the PUBACK waits for handleMessage's callback, for every message of the connection at once
  client.handleMessage = (packet, done) => {
    store(JSON.parse(packet.payload.toString())).then(() => done(), done)
  }
  // #endregion ack
}

export async function errors() {
  // #region errors
  try {
    await mqtt.connectAsync('mqtt://localhost', { username: 'alice', password: 'wrong', reconnectPeriod: 0 })
  } catch (error) {
    // an Error; tell "not authorized" from "unreachable" by its message or its `code`
    console.error((error as Error).message) // 'Connection refused: Not authorized'
  }
  // #endregion errors
}

export async function timeouts(client: mqtt.MqttClient) {
  // #region timeout
  // publishAsync and subscribeAsync take no timeout and no AbortSignal: race them yourself
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 5_000))
  await Promise.race([client.publishAsync('jobs/new', 'payload', { qos: 1 }), timeout])
  // #endregion timeout
}

export async function offline(client: mqtt.MqttClient) {
  // #region offline
  // broker gone: the publish waits in the offline queue until a reconnection, which may never
  // come; with reconnectPeriod: 0 the promise never settles (MQTT.js #1987, #1974)
  await client.publishAsync('alerts', 'disk full', { qos: 1 })
  // #endregion offline
}

export async function close(client: mqtt.MqttClient) {
  // #region close
  await client.endAsync() // in-flight QoS 1/2 publishes: their promises may never settle
  // #endregion close
}

declare function store(value: unknown): Promise<void>
