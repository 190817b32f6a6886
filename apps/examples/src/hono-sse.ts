/**
 * Hono: MQTT → Server-Sent Events, and publishing from a POST route.
 *
 * A chat where `POST /rooms/:room` publishes to `chat/<room>` and `GET /rooms/:room/events` streams
 * the room to the browser (`new EventSource('/rooms/lobby/events')`). The lifespan connects before
 * the server listens and, on stop, ends the SSE streams, closes the server, then the client.
 * @module
 */
import { MqttValidationError } from '@await-mqtt/core'
import { createMqttLifespan, type MqttEnv, type MqttLifespan, mqtt, mqttSSE } from '@await-mqtt/hono'
import { serveWithMqtt } from '@await-mqtt/hono/node-server'
import { Hono } from 'hono'
import { isEntryPoint, runAlone } from './support/run-alone.js'
import { serverSentEvents } from './support/sse.js'

/**
 * Builds the app: nothing here knows about servers or shutdown. A room name MQTT cannot carry
 * (`/rooms/%01`, `/rooms/a+b`) is a 400: the client refused it before sending, and stays connected.
 */
export function chatApp(lifespan: MqttLifespan) {
  return new Hono<MqttEnv>()
    .use(mqtt(lifespan))
    .post('/rooms/:room', async (c) => {
      try {
        await c.var.mqtt.publish(`chat/${c.req.param('room')}`, await c.req.text(), { qos: 1 })
      } catch (error) {
        if (error instanceof MqttValidationError) return c.json({ error: error.message }, 400)
        throw error
      }
      return c.body(null, 204)
    })
    .get('/rooms/:room/events', (c) => mqttSSE(c, `chat/${c.req.param('room')}`))
}

/** Serves the chat on a free port, follows one room over SSE while POSTing to it, then stops. */
export async function main({
  url,
  log,
  signal,
}: {
  url: string
  log: (line: string) => void
  signal?: AbortSignal
}): Promise<void> {
  const lifespan = createMqttLifespan({ url, closeTimeout: 5000 })
  await using server = await serveWithMqtt(chatApp(lifespan), lifespan, { port: 0, hostname: '127.0.0.1' })
  log(`hono: listening on ${server.url}, connected to the broker`)

  const response = await fetch(`${server.url}/rooms/lobby/events`, { signal })
  if (response.body === null) throw new Error(`no event stream (HTTP ${response.status})`)
  const lines = ['hello from a POST', 'SSE carries it to every browser', 'bye']
  let received = 0
  for await (const { event, data } of serverSentEvents(response.body)) {
    if (event === 'subscribed') {
      log(`hono: browser subscribed to ${JSON.parse(data).filter}`)
      for (const line of lines) {
        await fetch(`${server.url}/rooms/lobby`, { method: 'POST', body: line, signal })
      }
    } else if (event === 'message') {
      const { topic, payload } = JSON.parse(data) as { topic: string; payload: string }
      log(`hono: SSE event on ${topic}: ${payload}`)
      if (++received === lines.length) break
    }
  }
  // Leaving the loop cancels the browser's stream; `await using` stops server and client.
  log('hono: stopping (SSE streams end, server closes, then the MQTT client)')
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
