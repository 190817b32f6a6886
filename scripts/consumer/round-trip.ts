// A stranger's TypeScript app, compiled against the packed packages: type-checked under
// moduleResolution nodenext, bundler and node, then run. MQTT_URL points at the harness's broker.
import { Client, type Message, MqttValidationError, withClient } from '@await-mqtt/core'
import fastifyMqtt from '@await-mqtt/fastify'
import { createMqttLifespan, type MqttEnv, mqtt } from '@await-mqtt/hono'
import { serveWithMqtt } from '@await-mqtt/hono/node-server'
import { pattern, TopicTrie } from '@await-mqtt/topic-trie'
import Fastify from 'fastify'
import { Hono } from 'hono'

const url = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883'
const prefix = `consumer/ts/${process.pid}`

/** Publishes through `send` and resolves with the text that came back through the broker. */
async function roundTrip(client: Client, topic: string, send: () => Promise<unknown>): Promise<string> {
  await using subscription = await client.subscribe(topic, { qos: 1 })
  await send()
  for await (const message of subscription) return message.text()
  throw new Error(`no message on ${topic}`)
}

const trie = new TopicTrie<string>().add(`${prefix}/+/temperature`, 'thermometers')
const reading = pattern(`${prefix}/+room/#rest`)
const room: string | undefined = reading.match(`${prefix}/kitchen/temperature`)?.room
if (trie.match(`${prefix}/kitchen/temperature`)[0] !== 'thermometers' || room !== 'kitchen') {
  throw new Error('topic-trie matched wrongly')
}

await using client = await Client.connect(url)
const results: string[] = []
results.push(
  await roundTrip(client, `${prefix}/core`, () => client.publish(`${prefix}/core`, 'core', { qos: 1 })),
)
try {
  await client.publish('bad/+/topic', 'x')
} catch (error) {
  if (!(error instanceof MqttValidationError)) throw error
}

const fastify = Fastify()
await fastify.register(fastifyMqtt, { url })
fastify.post('/publish', async () => {
  await fastify.mqtt.publish(`${prefix}/fastify`, 'fastify', { qos: 1 })
  return { ok: true }
})
await fastify.ready()
results.push(
  await roundTrip(client, `${prefix}/fastify`, () => fastify.inject({ method: 'POST', url: '/publish' })),
)
await fastify.close()

const lifespan = createMqttLifespan(url)
const hono = new Hono<MqttEnv>().use(mqtt(lifespan)).post('/publish', async (c) => {
  await c.var.mqtt.publish(`${prefix}/hono`, 'hono', { qos: 1 })
  return c.body(null, 204)
})
await using server = await serveWithMqtt(hono, lifespan, { port: 0, hostname: '127.0.0.1' })
results.push(
  await roundTrip(client, `${prefix}/hono`, () => fetch(`${server.url}/publish`, { method: 'POST' })),
)

const echoed: Message = await withClient(url, async (other) => {
  await using stream = other.messages(`${prefix}/with-client`)
  await other.subscribe(`${prefix}/with-client`)
  await other.publish(`${prefix}/with-client`, 'with-client')
  for await (const message of stream) return message
  throw new Error('no message')
})
results.push(echoed.text())
console.log(`typescript: ${results.join(', ')}`)
