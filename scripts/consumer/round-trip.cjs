// The same app as round-trip.mjs, loaded with require() from CommonJS (Node 20.19+ requires ES
// modules without a flag). CommonJS has no top-level await, hence main().
const { Client, MqttValidationError, withClient } = require('@await-mqtt/core')
// require() of an ES module returns its namespace: the plugin is `.default` or the named export.
const { fastifyMqtt } = require('@await-mqtt/fastify')
const { createMqttLifespan, mqtt } = require('@await-mqtt/hono')
const { serveWithMqtt } = require('@await-mqtt/hono/node-server')
const { pattern, TopicTrie } = require('@await-mqtt/topic-trie')
const Fastify = require('fastify')
const { Hono } = require('hono')

const url = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883'
const prefix = `consumer/cjs/${process.pid}`

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

async function main() {
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
        await roundTrip(client, `${prefix}/fastify`, () =>
          fastify.inject({ method: 'POST', url: '/publish' }),
        ),
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
  console.log(`cjs: ${results.join(', ')}`)
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
