import { Client } from '@await-mqtt/core'
import { createMqttLifespan } from '@await-mqtt/hono'
import {
  type MosquittoBroker,
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
} from '@await-mqtt/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chatApp as fastifyChat } from '../src/fastify-sse.js'
import { chatApp as honoChat } from '../src/hono-sse.js'

/**
 * Issue 18 item 4: `POST /rooms/%01` made mosquitto disconnect the app's client (a control
 * character in the topic). The room name is refused before it is sent: a 400, and the connection
 * carries the next valid POST.
 */
const text = { 'content-type': 'text/plain' }
const badRooms = ['%01', '%7F', '%C2%85', '%EF%BF%BF', 'a+b', '%23']

async function brokerUrl(): Promise<{ url: string; close: () => Promise<void> }> {
  if (mosquittoAvailable()) {
    const broker: MosquittoBroker = await startMosquitto({ websocket: false })
    return { url: broker.url, close: () => broker.close() }
  }
  const broker = await startAedes({ websocket: false })
  return { url: broker.url, close: () => broker.close() }
}

describe(`chat examples refuse room names MQTT cannot carry with a 400 ${mosquittoAvailable() ? '(mosquitto)' : mosquittoSkipReason}`, () => {
  let broker: { url: string; close: () => Promise<void> }
  beforeAll(async () => {
    broker = await brokerUrl()
  })
  afterAll(() => broker?.close())

  it('Fastify: POST /rooms/%01 is a 400, the client stays connected and the next POST is delivered', async () => {
    const app = await fastifyChat(broker.url)
    try {
      await app.ready()
      await using watcher = await Client.connect(broker.url)
      await using inbox = await watcher.subscribe('inbox/lobby', { qos: 1 })
      for (const room of badRooms) {
        const response = await app.inject({
          method: 'POST',
          url: `/rooms/${room}`,
          payload: 'hi',
          headers: text,
        })
        expect(response.statusCode, room).toBe(400)
        expect(response.json().error).toMatch(/topic/)
      }
      expect(app.mqtt.connected).toBe(true)
      const ok = await app.inject({
        method: 'POST',
        url: '/rooms/lobby',
        payload: 'still here',
        headers: text,
      })
      expect(ok.statusCode).toBe(202)
      const next = await inbox[Symbol.asyncIterator]().next()
      expect(next.value?.text()).toBe('still here')
      expect(app.mqtt.connected).toBe(true)
    } finally {
      await app.close()
    }
  })

  it('Hono: POST /rooms/%01 is a 400, the client stays connected and the next POST is delivered', async () => {
    await using lifespan = createMqttLifespan({ url: broker.url, closeTimeout: 5000 })
    const client = await lifespan.start()
    const app = honoChat(lifespan)
    await using watcher = await Client.connect(broker.url)
    await using chat = await watcher.subscribe('chat/lobby', { qos: 1 })
    for (const room of badRooms) {
      const response = await app.request(`/rooms/${room}`, { method: 'POST', body: 'hi' })
      expect(response.status, room).toBe(400)
      expect(((await response.json()) as { error: string }).error).toMatch(/topic/)
    }
    expect(client.state).toBe('connected')
    const ok = await app.request('/rooms/lobby', { method: 'POST', body: 'still here' })
    expect(ok.status).toBe(204)
    const next = await chat[Symbol.asyncIterator]().next()
    expect(next.value?.text()).toBe('still here')
    expect(client.connected).toBe(true)
  })
})
