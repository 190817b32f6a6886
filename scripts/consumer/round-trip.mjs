// A stranger's plain ESM JavaScript app on the packed packages: no TypeScript, no `await using`
// (Node 20 and 22 have no such syntax), so scopes close through try/finally and withClient.
import { Client, MqttValidationError, withClient } from '@await-mqtt/core'
import fastifyMqtt from '@await-mqtt/fastify'
import { createMqttLifespan, mqtt } from '@await-mqtt/hono'
import { serveWithMqtt } from '@await-mqtt/hono/node-server'
import { pattern, TopicTrie } from '@await-mqtt/topic-trie'
import Fastify from 'fastify'
import { Hono } from 'hono'

const url = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883'
const prefix = `consumer/esm/${process.pid}`

async function roundTrip(client, topic, send) {
  const subscription = await client.subscribe(topic, { qos: 1 })
  try {
    await send()
    for await (const message of subscription) return message.text()
    throw new Error(`no message on ${topic}`)
  } finally {
    await subscription[Symbol.asyncDispose]()
  }
}

const trie = new TopicTrie().add(`${prefix}/+/temperature`, 'thermometers')
if (trie.match(`${prefix}/kitchen/temperature`)[0] !== 'thermometers') throw new Error('topic-trie')
if (pattern(`${prefix}/+room/#rest`).match(`${prefix}/kitchen/t`)?.room !== 'kitchen')
  throw new Error('pattern')

const client = await Client.connect(url)
const results = []
try {
  results.push(
    await roundTrip(client, `${prefix}/core`, () => client.publish(`${prefix}/core`, 'core', { qos: 1 })),
  )
  await client.publish('bad/+/topic', 'x').then(
    () => Promise.reject(new Error('a wildcard topic was published')),
    (error) => {
      if (!(error instanceof MqttValidationError)) throw error
    },
  )

  const fastify = Fastify()
  await fastify.register(fastifyMqtt, { url })
  fastify.post('/publish', async () => {
    await fastify.mqtt.publish(`${prefix}/fastify`, 'fastify', { qos: 1 })
    return { ok: true }
  })
  await fastify.ready()
  try {
    results.push(
      await roundTrip(client, `${prefix}/fastify`, () => fastify.inject({ method: 'POST', url: '/publish' })),
    )
  } finally {
    await fastify.close()
  }

  const lifespan = createMqttLifespan(url)
  const hono = new Hono().use(mqtt(lifespan)).post('/publish', async (c) => {
    await c.var.mqtt.publish(`${prefix}/hono`, 'hono', { qos: 1 })
    return c.body(null, 204)
  })
  const server = await serveWithMqtt(hono, lifespan, { port: 0, hostname: '127.0.0.1' })
  try {
    results.push(
      await roundTrip(client, `${prefix}/hono`, () => fetch(`${server.url}/publish`, { method: 'POST' })),
    )
  } finally {
    await server.stop()
  }

  results.push(
    await withClient(url, async (other) => {
      const stream = other.messages(`${prefix}/with-client`)
      await other.subscribe(`${prefix}/with-client`)
      await other.publish(`${prefix}/with-client`, 'with-client')
      for await (const message of stream) return message.text()
    }),
  )
} finally {
  await client.close()
}
console.log(`esm: ${results.join(', ')}`)
