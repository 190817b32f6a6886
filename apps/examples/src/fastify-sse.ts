/**
 * Fastify: MQTT → Server-Sent Events, and publishing from a POST route.
 *
 * A chat where `POST /rooms/:room` publishes a message and `GET /rooms/:room/events` streams
 * the room to the browser (`new EventSource('/rooms/lobby/events')`), with a subscription handler in
 * between. `@await-mqtt/fastify` connects in `onReady`, and on `app.close()` stops the handler, ends
 * the SSE streams (they never hold up shutdown) and closes the client after its in-flight publishes.
 * @module
 */
import { MqttValidationError } from '@await-mqtt/core'
import fastifyMqtt from '@await-mqtt/fastify'
import Fastify from 'fastify'
import { isEntryPoint, runAlone } from './support/run-alone.js'
import { serverSentEvents } from './support/sse.js'

/**
 * Builds the app: POSTs go to `inbox/<room>`; a subscription handler (named wildcard `+room`) stamps
 * each one and publishes it to `chat/<room>`, which the SSE route streams. Connecting and closing
 * belong to the plugin. (Filters that never overlap: MQTT 5 brokers send one copy per subscription.)
 * A room name MQTT cannot carry is a 400: the client refused it before sending, and stays connected.
 */
export async function chatApp(url: string) {
  const app = Fastify()
  await app.register(fastifyMqtt, { url, closeTimeout: 5000 })
  let sequence = 0
  app.mqtt.handle(
    'inbox/+room',
    async (message, { params }) => {
      await app.mqtt.publish(`chat/${params.room}`, `#${++sequence} ${message.text()}`, { qos: 1 })
    },
    { qos: 1 },
  )
  app.post<{ Params: { room: string }; Body: string }>('/rooms/:room', async (request, reply) => {
    try {
      await app.mqtt.publish(`inbox/${request.params.room}`, request.body, { qos: 1 })
    } catch (error) {
      // A room name MQTT cannot carry (`/rooms/%01`, `/rooms/a+b`): refused before it was sent.
      if (error instanceof MqttValidationError) return reply.code(400).send({ error: error.message })
      throw error
    }
    return reply.code(202).send()
  })
  app.get<{ Params: { room: string } }>('/rooms/:room/events', (request, reply) =>
    app.mqtt.sse(reply, `chat/${request.params.room}`),
  )
  return app
}

/** Serves the chat on a free port, follows one room over SSE while POSTing to it, then closes. */
export async function main({
  url,
  log,
  signal,
}: {
  url: string
  log: (line: string) => void
  signal?: AbortSignal
}): Promise<void> {
  const app = await chatApp(url)
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' }) // onReady: connected to the broker
    log(`fastify: listening on ${base}, app.mqtt connected: ${app.mqtt.connected}`)

    const response = await fetch(`${base}/rooms/lobby/events`, { signal })
    if (response.body === null) throw new Error(`no event stream (HTTP ${response.status})`)
    const lines = ['hello from a POST', 'SSE carries it to every browser', 'bye']
    let received = 0
    for await (const { event, data } of serverSentEvents(response.body)) {
      if (event === 'subscribed') {
        log(`fastify: browser subscribed to ${JSON.parse(data).filter}`)
        for (const line of lines) {
          const headers = { 'content-type': 'text/plain' }
          await fetch(`${base}/rooms/lobby`, { method: 'POST', body: line, headers, signal })
        }
      } else if (event === 'message') {
        const { topic, payload } = JSON.parse(data) as { topic: string; payload: string }
        log(`fastify: SSE event on ${topic}: ${payload}`)
        if (++received === lines.length) {
          // Close with the stream still open: preClose ends it, so close() does not wait for the browser.
          log('fastify: closing (SSE streams end, the server closes, then the MQTT client)')
          await app.close()
        }
      }
    }
    log(`fastify: the server ended the event stream; app.mqtt connected: ${app.mqtt.connected}`)
  } finally {
    await app.close()
  }
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
