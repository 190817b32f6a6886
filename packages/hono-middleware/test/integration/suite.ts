import { Agent, request, type Server } from 'node:http'
import { Readable } from 'node:stream'
import type { Client, MessageStream } from '@await-mqtt/core'
import { uniqueTopic } from '@await-mqtt/test-utils'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { type MqttEnv, mqtt } from '../../src/index.js'
import { serveWithMqtt } from '../../src/node-server.js'
import { SSEReader } from '../sse-reader.js'
import { peer, startedLifespan, testApp } from './app.js'

/** A broker the suite can reach by URL, stopped after the suite. */
export type StartBroker = () => Promise<{ url: string } & AsyncDisposable>

/** The topic of `stream`'s next message. */
async function firstTopic(stream: MessageStream): Promise<string> {
  const { value, done } = await stream.next()
  if (done) throw new Error('the stream ended')
  return value.topic.value
}

/**
 * Proves the broker no longer routes `topic` to `client`: a message on `topic`, then one on
 * `sentinel` (which `client` subscribed), both reach the client's unfiltered stream in order, so the
 * sentinel must come first. Retried, since the last UNSUBSCRIBE is sent after the browser left.
 */
async function expectNotSubscribed(client: Client, publisher: Client, topic: string): Promise<void> {
  const sentinel = `${topic}-sentinel`
  await using unfiltered = client.messages()
  await client.subscribe(sentinel)
  await vi.waitFor(
    async () => {
      await publisher.publish(topic, 'after everyone left', { qos: 1 })
      await publisher.publish(sentinel, 'ping', { qos: 1 })
      if ((await firstTopic(unfiltered)) === sentinel) return
      while ((await firstTopic(unfiltered)) !== sentinel) {}
      throw new Error(`the broker still sends ${topic} to the client`)
    },
    { timeout: 5000, interval: 50 },
  )
}

/** A request through `agent`, as a fetch Response (streamed). */
function getWith(agent: Agent, url: string, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, agent }, (incoming) => {
      const body =
        incoming.statusCode === 204 ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>)
      resolve(new Response(body, { status: incoming.statusCode ?? 0 }))
      if (body === null) incoming.resume()
    })
    outgoing.once('error', reject).end()
  })
}

/** The behaviour every broker must show, in memory (`app.request`) and on a real node server. */
export function honoSuite(startBroker: StartBroker): void {
  let broker: { url: string } & AsyncDisposable
  beforeAll(async () => {
    broker = await startBroker()
  })
  afterAll(async () => {
    await broker[Symbol.asyncDispose]()
  })

  describe('with app.request()', () => {
    it('publishes from a POST route through c.var.mqtt', async () => {
      const topic = uniqueTopic('hono-post')
      const app = testApp(await startedLifespan(broker.url))
      const other = await peer(broker.url)
      await using messages = other.messages(topic)
      await other.subscribe(topic)
      const response = await app.request(`/publish/${topic}`, { method: 'POST', body: 'hello' })
      expect(response.status).toBe(204)
      const { value } = await messages.next()
      expect(value?.topic.value).toBe(topic)
      expect(value?.text()).toBe('hello')
    })

    it('sets the client under a configured variable name', async () => {
      const lifespan = await startedLifespan(broker.url)
      const app = new Hono<MqttEnv<'broker'>>()
        .use(mqtt(lifespan, { variable: 'broker' }))
        .get('/', (c) =>
          c.json({ same: c.var.broker === lifespan.client, connected: c.var.broker.connected }),
        )
      expect(await (await app.request('/')).json()).toEqual({ same: true, connected: true })
    })

    it('streams messages as SSE events: subscribed first, then { topic, payload } per message', async () => {
      const topic = uniqueTopic('hono-sse')
      const app = testApp(await startedLifespan(broker.url))
      const response = await app.request(`/events?filter=${encodeURIComponent(`${topic}/#`)}`)
      expect(response.headers.get('content-type')).toBe('text/event-stream')
      await using events = new SSEReader(response)
      expect(await events.next()).toEqual({
        event: 'subscribed',
        data: JSON.stringify({ filter: `${topic}/#` }),
        id: undefined,
      })
      const other = await peer(broker.url)
      await other.publish(`${topic}/a`, 'one', { qos: 1 })
      await other.publish(`${topic}/b`, 'two\nlines', { qos: 1 })
      const first = await events.next()
      expect(first?.event).toBe('message')
      expect(JSON.parse(first?.data ?? '')).toEqual({ topic: `${topic}/a`, payload: 'one', retain: false })
      expect(JSON.parse((await events.next())?.data ?? '')).toMatchObject({ payload: 'two\nlines' })
    })

    it('keeps a filter subscribed while one SSE client stays, and unsubscribes when the last leaves', async () => {
      const topic = uniqueTopic('hono-refcount')
      const lifespan = await startedLifespan(broker.url)
      const app = testApp(lifespan)
      const other = await peer(broker.url)
      const open = async () => {
        const events = new SSEReader(await app.request(`/events?filter=${encodeURIComponent(topic)}`))
        await events.nextNamed('subscribed')
        return events
      }
      const first = await open()
      const second = await open()
      await other.publish(topic, 'both', { qos: 1 })
      expect(JSON.parse((await first.nextNamed('message')).data).payload).toBe('both')
      expect(JSON.parse((await second.nextNamed('message')).data).payload).toBe('both')

      await first.close()
      await other.publish(topic, 'still here', { qos: 1 })
      expect(JSON.parse((await second.nextNamed('message')).data).payload).toBe('still here')

      await second.close()
      await expectNotSubscribed(lifespan.client, other, topic)
    })

    it('ends open SSE streams when the lifespan stops, then answers 503', async () => {
      const lifespan = await startedLifespan(broker.url)
      const app = testApp(lifespan)
      const events = new SSEReader(await app.request(`/events?filter=${uniqueTopic('hono-stop')}`))
      await events.nextNamed('subscribed')
      await lifespan.stop()
      expect(await events.next()).toBeUndefined()
      const after = await app.request(`/events?filter=${uniqueTopic('hono-stop')}`)
      expect(after.status).toBe(503)
      expect(await after.text()).toMatch(/stopped/)
    })
  })

  describe('on @hono/node-server', () => {
    it('connects before listening, streams SSE over HTTP, publishes from POST', async () => {
      const topic = uniqueTopic('hono-node')
      const lifespan = await startedLifespan(broker.url)
      await using server = await serveWithMqtt(testApp(lifespan), lifespan, {
        port: 0,
        hostname: '127.0.0.1',
      })
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
      const leave = new AbortController()
      onTestFinished(() => leave.abort())
      const response = await fetch(`${server.url}/events?filter=${encodeURIComponent(topic)}`, {
        signal: leave.signal,
      })
      const events = new SSEReader(response)
      await events.nextNamed('subscribed')
      const posted = await fetch(`${server.url}/publish/${topic}`, { method: 'POST', body: '{"t":21.5}' })
      expect(posted.status).toBe(204)
      const event = await events.nextNamed('message')
      expect(JSON.parse(JSON.parse(event.data).payload)).toEqual({ t: 21.5 })
    })

    it('stops promptly with an SSE stream open and keep-alive connections held by the client', async () => {
      const lifespan = await startedLifespan(broker.url, { closeTimeout: 120_000 })
      const server = await serveWithMqtt(testApp(lifespan), lifespan, { port: 0, hostname: '127.0.0.1' })
      // Connections held by a Node agent with keep-alive, which (unlike fetch) never lets go by itself:
      // without closing idle ones, stop would wait for keepAliveTimeout, past the test's timeout.
      ;(server.server as Server).keepAliveTimeout = 120_000
      const agent = new Agent({ keepAlive: true })
      onTestFinished(() => agent.destroy())
      const events = new SSEReader(
        await getWith(agent, `${server.url}/events?filter=${uniqueTopic('hono-prompt')}`),
      )
      await events.nextNamed('subscribed')
      const idle = await getWith(agent, `${server.url}/publish/${uniqueTopic('idle')}`, 'POST')
      expect(idle.status).toBe(204)
      await idle.arrayBuffer()

      await server.stop()
      expect(await events.next()).toBeUndefined()
      expect(lifespan.state).toBe('stopped')
      expect(server.server.listening).toBe(false)
      await expect(fetch(`${server.url}/events`)).rejects.toThrow()
    })

    it('destroys connections still busy at the stop deadline, then closes the client', async () => {
      const lifespan = await startedLifespan(broker.url)
      let entered: () => void = () => {}
      const handling = new Promise<void>((resolve) => {
        entered = resolve
      })
      const app = testApp(lifespan).get('/wait', () => {
        entered()
        return new Promise<Response>(() => {})
      })
      const server = await serveWithMqtt(app, lifespan, { port: 0, hostname: '127.0.0.1', timeout: 300 })
      const hanging = fetch(`${server.url}/wait`)
      hanging.catch(() => {})
      await handling
      await server.stop()
      await expect(hanging).rejects.toThrow()
      expect(lifespan.state).toBe('stopped')
    })

    it('stops on an opted-in signal and removes its signal listeners', async () => {
      const lifespan = await startedLifespan(broker.url)
      const before = process.listenerCount('SIGUSR2')
      await serveWithMqtt(testApp(lifespan), lifespan, {
        port: 0,
        hostname: '127.0.0.1',
        signals: ['SIGUSR2'],
      })
      expect(process.listenerCount('SIGUSR2')).toBe(before + 1)
      process.emit('SIGUSR2', 'SIGUSR2')
      await vi.waitFor(() => expect(lifespan.state).toBe('stopped'))
      expect(process.listenerCount('SIGUSR2')).toBe(before)
    })
  })
}
