import { Client, MqttClientClosedError } from '@await-mqtt/core'
import { uniqueTopic } from '@await-mqtt/test-utils'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import fastifyMqtt, { type FastifyMqttInstance, toSSEEvent } from '../../src/index.js'
import { deferred, next, peer, type StartBroker, testApp } from './helpers.js'

/** The behaviour every broker must show, HTTP in memory (`app.inject`). */
export function fastifySuite(startBroker: StartBroker): void {
  let broker: { url: string } & AsyncDisposable
  beforeAll(async () => {
    broker = await startBroker()
  })
  afterAll(async () => {
    await broker[Symbol.asyncDispose]()
  })

  describe('lifecycle', () => {
    it('connects in onReady and publishes from a route through app.mqtt', async () => {
      const topic = uniqueTopic('fastify-post')
      const { app } = testApp()
      await app.register(fastifyMqtt, { url: broker.url })
      app.post<{ Body: string }>('/publish', async (request, reply) => {
        await app.mqtt.publish(topic, request.body, { qos: 1 })
        return reply.code(204).send()
      })
      const other = await peer(broker.url)
      await using messages = other.messages(topic)
      await other.subscribe(topic)
      await app.ready()
      expect(app.mqtt.connected).toBe(true)
      expect(app.mqtt.healthy()).toBe(true)
      expect(app.mqtt.client).toBeInstanceOf(Client)
      const response = await app.inject({
        method: 'POST',
        url: '/publish',
        body: 'hello',
        headers: { 'content-type': 'text/plain' },
      })
      expect(response.statusCode).toBe(204)
      expect(await next(messages)).toEqual({ topic, text: 'hello' })
    })

    it('closes the client on app.close(), after the publishes in flight completed', async () => {
      const topic = uniqueTopic('fastify-in-flight')
      const { app } = testApp()
      await app.register(fastifyMqtt, { url: broker.url })
      const other = await peer(broker.url)
      await using messages = other.messages(topic)
      await other.subscribe(topic, { qos: 1 })
      await app.ready()
      const client = app.mqtt.client
      const published = Array.from({ length: 20 }, (_, index) =>
        app.mqtt.publish(topic, String(index), { qos: 1 }),
      )
      await app.close()
      await expect(Promise.all(published)).resolves.toHaveLength(20)
      expect(client.closed).toBe(true)
      expect(app.mqtt.connected).toBe(false)
      expect(app.mqtt.healthy()).toBe(false)
      expect(() => app.mqtt.client).toThrow(MqttClientClosedError)
      await expect(app.mqtt.publish(topic, 'late')).rejects.toThrow(
        /is closed: app.ready\(\) failed or app.close\(\) was called/,
      )
      for (let index = 0; index < 20; index++) expect((await next(messages)).text).toBe(String(index))
    })

    it('leaves a client it was given open unless closeClient is set, without its handlers', async () => {
      const topic = uniqueTopic('fastify-given')
      const mine = await peer(broker.url)
      const { app } = testApp()
      await app.register(fastifyMqtt, { client: mine })
      app.mqtt.handle(topic, () => {})
      await app.ready()
      expect(app.mqtt.client).toBe(mine)
      await app.close()
      expect(mine.connected).toBe(true)
      // The handler's subscription is gone: a message on its topic no longer reaches the client.
      await using onTopic = mine.messages(topic)
      await using onSentinel = mine.messages(`${topic}/sentinel`)
      await mine.subscribe(`${topic}/sentinel`)
      const other = await peer(broker.url)
      await other.publish(topic, 'after close', { qos: 1 })
      await other.publish(`${topic}/sentinel`, 'ping', { qos: 1 })
      await next(onSentinel)
      const late = await Promise.race([
        onTopic.next(),
        new Promise((resolve) => setTimeout(resolve, 50, 'none')),
      ])
      expect(late).toBe('none')

      const theirs = await Client.connect(broker.url)
      const second = testApp().app
      await second.register(fastifyMqtt, { client: theirs, closeClient: true })
      await second.ready()
      await second.close()
      expect(theirs.closed).toBe(true)
    })

    it('runs several brokers side by side under namespaces', async () => {
      const topic = uniqueTopic('fastify-namespaces')
      const { app } = testApp()
      await app.register(fastifyMqtt, { url: broker.url, clientId: 'fastify-default' })
      await app.register(fastifyMqtt, { url: broker.url, namespace: 'backup', clientId: 'fastify-backup' })
      const backup = (app.mqtt as unknown as Record<string, FastifyMqttInstance>).backup
      if (backup === undefined) throw new Error('no app.mqtt.backup')
      const other = await peer(broker.url)
      await using messages = other.messages(topic)
      await other.subscribe(topic, { qos: 1 })
      await app.ready()
      expect(app.mqtt.client.clientId).toBe('fastify-default')
      expect(backup.client.clientId).toBe('fastify-backup')
      await backup.publish(topic, 'from backup', { qos: 1 })
      expect(await next(messages)).toEqual({ topic, text: 'from backup' })
      await app.close()
      expect(backup.connected).toBe(false)
    })
  })

  describe('subscription handlers', () => {
    it('starts handlers on ready with named wildcard params, from the option and from handle()', async () => {
      const base = uniqueTopic('fastify-handlers')
      const seen: string[] = []
      const { app } = testApp()
      await app.register(fastifyMqtt, {
        url: broker.url,
        subscriptions: {
          [`${base}/option/+room`]: (message, { params }) => {
            seen.push(`option ${String(params.room)} ${message.text()}`)
          },
        },
      })
      // Filters that do not overlap: MQTT 5 brokers send one copy per matching subscription.
      app.mqtt.handle(
        `${base}/handle/+room/#rest`,
        async (message, { params }) => {
          seen.push(`handle ${params.room} ${params.rest.join('/')} ${message.text()}`)
        },
        { qos: 1 },
      )
      await app.ready()
      const other = await peer(broker.url)
      await other.publish(`${base}/option/kitchen`, '21', { qos: 1 })
      await other.publish(`${base}/handle/hall/temperature/celsius`, '19', { qos: 1 })
      await vi.waitFor(() =>
        expect(seen.toSorted()).toEqual(['handle hall temperature/celsius 19', 'option kitchen 21']),
      )
      expect(() => app.mqtt.handle(`${base}/late`, () => {})).toThrow(/before app.ready\(\)/)
    })

    it('logs a failing handler through Fastify and goes on with the next message', async () => {
      const topic = uniqueTopic('fastify-failing')
      const handled: string[] = []
      const { app, logs } = testApp()
      await app.register(fastifyMqtt, { url: broker.url })
      app.mqtt.handle(topic, (message) => {
        if (message.text() === 'bad') throw new Error('handler exploded')
        handled.push(message.text())
      })
      await app.ready()
      const other = await peer(broker.url)
      for (const text of ['one', 'bad', 'two']) await other.publish(topic, text, { qos: 1 })
      await vi.waitFor(() => expect(handled).toEqual(['one', 'two']))
      const failure = logs.find((line) => line.msg === 'MQTT subscription handler failed')
      expect(failure).toMatchObject({ level: 50, topic, filter: topic, err: { message: 'handler exploded' } })
      expect(app.mqtt.healthy()).toBe(true)
    })

    it('stops handlers on close: a handler in progress finishes, no message is handled after', async () => {
      const topic = uniqueTopic('fastify-stop')
      const started = deferred()
      const handled: string[] = []
      const { app } = testApp()
      // Longer than the test timeout: a handler that held up close would fail the test.
      await app.register(fastifyMqtt, { url: broker.url, closeTimeout: 60_000 })
      app.mqtt.handle(topic, async (message) => {
        started.resolve()
        await vi.waitFor(() => expect(app.mqtt.connected).toBe(false), { timeout: 10_000, interval: 10 })
        handled.push(message.text())
      })
      await app.ready()
      await using arrived = app.mqtt.messages(topic)
      const other = await peer(broker.url)
      await other.publish(topic, 'first', { qos: 1 })
      await started.promise
      await other.publish(topic, 'second', { qos: 1 })
      expect((await next(arrived)).text).toBe('first')
      expect((await next(arrived)).text).toBe('second') // so the handler's subscription holds it too
      await app.close()
      expect(handled).toEqual(['first'])
    })
  })

  describe('Server-Sent Events over app.inject', () => {
    it('streams matching messages, then ends the stream when the app closes', async () => {
      const topic = uniqueTopic('fastify-sse-inject')
      const { app } = testApp()
      await app.register(fastifyMqtt, { url: broker.url })
      const formatted = deferred()
      app.get('/events', (_request, reply) =>
        app.mqtt.sse(reply, `${topic}/#`, {
          format: (message) => {
            if (message.text() === 'two') formatted.resolve()
            return toSSEEvent(message)
          },
        }),
      )
      const subscribed = deferred()
      app.addHook('onSend', async (_request, reply, payload) => {
        if (String(reply.getHeader('content-type')).startsWith('text/event-stream')) subscribed.resolve()
        return payload
      })
      await app.ready()
      const response = app.inject({ url: '/events' })
      await subscribed.promise
      const other = await peer(broker.url)
      await other.publish(`${topic}/a`, 'one', { qos: 1 })
      await other.publish(`${topic}/b`, 'two', { qos: 1 })
      await formatted.promise
      await app.close()
      const { statusCode, headers, body } = await response
      expect(statusCode).toBe(200)
      expect(headers['content-type']).toBe('text/event-stream; charset=utf-8')
      expect(body).toContain(`event: subscribed\ndata: {"filter":"${topic}/#"}\n\n`)
      expect(body).toContain(`data: {"topic":"${topic}/a","payload":"one","retain":false}\n\n`)
      expect(body).toContain(`data: {"topic":"${topic}/b","payload":"two","retain":false}\n\n`)
    })
  })
}
