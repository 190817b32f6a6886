import { connect, createServer, type Socket } from 'node:net'
import { MqttClientClosedError, MqttConnectError } from '@await-mqtt/core'
import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createMqttLifespan, type MqttEnv, mqtt, mqttSSE, toSSEEvent } from '../../src/index.js'
import { serveWithMqtt } from '../../src/node-server.js'
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

  it('bounds each stream with maxQueued and overflow given directly, as in @await-mqtt/fastify', async () => {
    const topic = uniqueTopic('hono-bounded')
    const lifespan = await startedLifespan(broker.url)
    const app = new Hono<MqttEnv>()
      .use(mqtt(lifespan))
      .get('/events', (c) => mqttSSE(c, topic, { keepAlive: 0, maxQueued: 1, overflow: 'error' }))
    // Unread, the response holds the stream at its first writes: what arrives meanwhile queues.
    const response = await app.request('/events')
    await using probe = lifespan.client.messages(topic)
    const other = await peer(broker.url)
    for (const text of ['1', '2', '3']) await other.publish(topic, text, { qos: 1 })
    for (let seen = 0; seen < 3; seen++) await probe.next()
    await using events = new SSEReader(response)
    await events.nextNamed('subscribed')
    // The stream overflowed: the messages it had taken, then the error; never all three.
    const payloads: string[] = []
    let event = await events.next()
    while (event?.event === 'message' && payloads.length < 3) {
      payloads.push(JSON.parse(event.data).payload)
      event = await events.next()
    }
    expect(payloads.length).toBeLessThan(3)
    expect(['1', '2', '3'].slice(0, payloads.length)).toEqual(payloads)
    expect(event?.event).toBe('error')
    expect(event?.data).toMatch(/overflow/)
  })

  it('stops the server at once while a browser has stopped reading its SSE stream', async () => {
    const topic = uniqueTopic('hono-stalled')
    // Room for the 16 MiB message below (the default bound is 16 MiB, header included).
    const lifespan = await startedLifespan(broker.url, { maxIncomingPacketSize: 32 * 1024 * 1024 })
    let formatted: () => void = () => {}
    const formatting = new Promise<void>((resolve) => {
      formatted = resolve
    })
    const app = new Hono<MqttEnv>().use(mqtt(lifespan)).get('/events', (c) =>
      mqttSSE(c, topic, {
        keepAlive: 0,
        format: (message) => {
          formatted()
          return toSSEEvent(message)
        },
      }),
    )
    // A deadline past the test's timeout: stopping must not wait for it.
    const server = await serveWithMqtt(app, lifespan, { port: 0, hostname: '127.0.0.1', timeout: 60_000 })
    const subscribed = new Promise<void>((resolve) => {
      const listener = (subscriptions: Array<{ topic: string }>) => {
        if (!subscriptions.some((subscription) => subscription.topic === topic)) return
        broker.broker.off('subscribe', listener)
        resolve()
      }
      broker.broker.on('subscribe', listener)
    })
    // A browser that sends its request and then reads nothing.
    const browser = connect(server.port, '127.0.0.1')
    onTestFinished(() => {
      browser.destroy()
    })
    browser.pause()
    browser.write(`GET /events HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\n\r\n`)
    await subscribed
    // Far more than the sockets on both ends buffer: the write of this event never completes.
    await (await peer(broker.url)).publish(topic, 'x'.repeat(16 * 1024 * 1024), { qos: 1 })
    await formatting
    await server.stop()
    expect(lifespan.state).toBe('stopped')
    expect(server.server.listening).toBe(false)
  })

  it('gives up start() after connectTimeout with MqttConnectError', async () => {
    // A broker that accepts the connection and never answers CONNECT.
    const sockets = new Set<Socket>()
    const silent = createServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => {
      for (const socket of sockets) socket.destroy()
      silent.close()
    })
    const address = silent.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    const lifespan = createMqttLifespan({
      url: `mqtt://127.0.0.1:${address.port}`,
      timeout: 60_000,
      connectTimeout: 200,
    })
    const failure = lifespan.start().catch((error: unknown) => error)
    expect(await failure).toBeInstanceOf(MqttConnectError)
    expect(String(await failure)).toMatch(/connectTimeout \(200 ms\)/)
    expect(lifespan.state).toBe('idle')
    await lifespan.stop()
  })
})
