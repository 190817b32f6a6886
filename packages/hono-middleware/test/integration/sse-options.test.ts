import { MqttClientClosedError } from '@await-mqtt/core'
import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMqttLifespan, type MqttEnv, mqtt, mqttSSE, toSSEEvent } from '../../src/index.js'
import { SSEReader } from '../sse-reader.js'
import { peer, startedLifespan } from './app.js'

describe('mqttSSE options and lifespan edges (aedes)', () => {
  let broker: Awaited<ReturnType<typeof startAedes>>
  beforeAll(async () => {
    broker = await startAedes()
  })
  afterAll(() => broker.close())

  it('formats events with `format` and skips messages it returns undefined for', async () => {
    const topic = uniqueTopic('hono-format')
    const lifespan = await startedLifespan(broker.url)
    const app = new Hono<MqttEnv>().use(mqtt(lifespan)).get('/events', (c) =>
      mqttSSE(c, `${topic}/+`, {
        keepAlive: 0,
        format: (message) =>
          message.text() === 'skip'
            ? undefined
            : { ...toSSEEvent(message), event: 'reading', id: message.topic.levels.at(-1) },
      }),
    )
    await using events = new SSEReader(await app.request('/events'))
    await events.nextNamed('subscribed')
    const other = await peer(broker.url)
    await other.publish(`${topic}/one`, 'skip', { qos: 1 })
    await other.publish(`${topic}/two`, '2', { qos: 1 })
    const event = await events.next()
    expect(event).toMatchObject({ event: 'reading', id: 'two' })
    expect(JSON.parse(event?.data ?? '')).toMatchObject({ topic: `${topic}/two`, payload: '2' })
  })

  it('sends keep-alive comments at the given interval', async () => {
    const lifespan = await startedLifespan(broker.url)
    const app = new Hono<MqttEnv>()
      .use(mqtt(lifespan))
      .get('/events', (c) => mqttSSE(c, uniqueTopic('hono-ping'), { keepAlive: 10 }))
    const response = await app.request('/events')
    const reader = response.body?.getReader()
    const decoder = new TextDecoder()
    let text = ''
    while (!text.includes(': keep-alive\n\n')) {
      const chunk = await reader?.read()
      if (chunk === undefined || chunk.done) throw new Error('the stream ended before a keep-alive comment')
      text += decoder.decode(chunk.value, { stream: true })
    }
    await reader?.cancel()
  })

  it('streams from an explicit lifespan on a route without the middleware', async () => {
    const topic = uniqueTopic('hono-explicit')
    const lifespan = await startedLifespan(broker.url)
    const app = new Hono().get('/events', (c) => mqttSSE(c, topic, { lifespan, keepAlive: 0 }))
    await using events = new SSEReader(await app.request('/events'))
    await events.nextNamed('subscribed')
    await (await peer(broker.url)).publish(topic, 'direct', { qos: 1 })
    expect(JSON.parse((await events.nextNamed('message')).data).payload).toBe('direct')
  })

  it('returns the same client from concurrent start() calls', async () => {
    const lifespan = createMqttLifespan(broker.url)
    const [a, b] = await Promise.all([lifespan.start(), lifespan.start()])
    expect(a).toBe(b)
    expect(lifespan.client).toBe(a)
    expect(lifespan.state).toBe('running')
    await lifespan.stop()
    expect(a.closed).toBe(true)
  })

  it('rejects a start() that stop() overtook, and closes the client it connected', async () => {
    const before = broker.broker.connectedClients
    const lifespan = createMqttLifespan(broker.url)
    const starting = lifespan.start()
    const stopped = lifespan.stop()
    await expect(starting).rejects.toThrow(MqttClientClosedError)
    await stopped
    expect(lifespan.state).toBe('stopped')
    expect(() => lifespan.client).toThrow(MqttClientClosedError)
    await vi.waitFor(() => expect(broker.broker.connectedClients).toBe(before))
  })
})
