import { type ClientRequest, get } from 'node:http'
import { connect } from 'node:net'
import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import fastifyMqtt, { toSSEEvent } from '../../src/index.js'
import { deferred, nextEvent, peer, readEvents, testApp } from './helpers.js'

describe('Server-Sent Events on a listening server (aedes)', () => {
  let broker: Awaited<ReturnType<typeof startAedes>>
  beforeAll(async () => {
    broker = await startAedes({ websocket: false })
  })
  afterAll(async () => {
    await broker.close()
  })

  /** A chat app: POST publishes, GET streams. closeTimeout exceeds the test timeout, so a hang fails. */
  async function chat({ keepAlive = 0 } = {}) {
    const room = uniqueTopic('fastify-sse')
    const { app } = testApp()
    await app.register(fastifyMqtt, { url: broker.url, closeTimeout: 60_000 })
    app.post<{ Body: string }>('/say', async (request, reply) => {
      await app.mqtt.publish(room, request.body, { qos: 1 })
      return reply.code(204).send()
    })
    app.get('/events', (_request, reply) => app.mqtt.sse(reply, room, { keepAlive }))
    const base = await app.listen({ port: 0, host: '127.0.0.1' })
    const say = (text: string) =>
      fetch(`${base}/say`, { method: 'POST', body: text, headers: { 'content-type': 'text/plain' } })
    const open = async () => {
      const response = await fetch(`${base}/events`)
      if (response.body === null) throw new Error('no body')
      const events = readEvents(response.body)
      expect(await nextEvent(events)).toEqual({ event: 'subscribed', data: JSON.stringify({ filter: room }) })
      return { response, events }
    }
    return { app, room, base, say, open }
  }

  it('streams messages to a browser, and app.close() ends the stream instead of waiting for it', async () => {
    const { app, room, say, open } = await chat()
    const { response, events } = await open()
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    await say('hello')
    await say('multi\nline')
    expect(JSON.parse((await nextEvent(events)).data)).toEqual({
      topic: room,
      payload: 'hello',
      retain: false,
    })
    expect(JSON.parse((await nextEvent(events)).data)).toMatchObject({ payload: 'multi\nline' })
    await app.close()
    expect(await events.next()).toEqual({ done: true, value: undefined })
  })

  it('keeps the other browsers streaming when one leaves (the filter stays subscribed)', async () => {
    const { base, say, open } = await chat()
    // node:http, not fetch: a cancelled fetch makes undici open a spare idle connection, which
    // Node's server.close() waits for (that is about HTTP clients, not SSE).
    const leaving = await new Promise<ClientRequest>((resolve) => {
      const request = get(`${base}/events`, (response) => response.once('data', () => resolve(request)))
    })
    const staying = await open()
    const left = new Promise((resolve) => leaving.once('close', resolve))
    leaving.destroy()
    await left
    await say('still here')
    expect(JSON.parse((await nextEvent(staying.events)).data)).toMatchObject({ payload: 'still here' })
  })

  it('sends keep-alive comments', async () => {
    const { app, base } = await chat({ keepAlive: 20 })
    const response = await fetch(`${base}/events`)
    const reader = response.body?.getReader()
    const decoder = new TextDecoder()
    let text = ''
    while (!text.includes(': keep-alive\n\n')) {
      const chunk = await reader?.read()
      if (chunk === undefined || chunk.done) throw new Error('the stream ended')
      text += decoder.decode(chunk.value, { stream: true })
    }
    await app.close()
    while (!(await reader?.read())?.done) {}
  })

  it('ends streams with an error event when the connection is lost, then answers 503', async () => {
    const { app, base, open } = await chat()
    const { events } = await open()
    broker.dropConnections()
    const error = await nextEvent(events)
    expect(error.event).toBe('error')
    expect(JSON.parse(error.data).message).toMatch(/lost/)
    expect(await events.next()).toEqual({ done: true, value: undefined })
    expect(app.mqtt.healthy()).toBe(false)
    const response = await fetch(`${base}/events`)
    expect(response.status).toBe(503)
  })

  /** Resolves on the broker's next SUBSCRIBE (or UNSUBSCRIBE) of `filter`. */
  function brokerSees(kind: 'subscribe' | 'unsubscribe', filter: string): Promise<void> {
    return new Promise((resolve) => {
      const seen = (filters: string[]) => {
        if (!filters.includes(filter)) return
        broker.broker.off('subscribe', onSubscribe).off('unsubscribe', onUnsubscribe)
        resolve()
      }
      const onSubscribe = (subscriptions: Array<{ topic: string }>) => {
        if (kind === 'subscribe') seen(subscriptions.map(({ topic }) => topic))
      }
      const onUnsubscribe = (filters: string[]) => {
        if (kind === 'unsubscribe') seen(filters)
      }
      broker.broker.on('subscribe', onSubscribe).on('unsubscribe', onUnsubscribe)
    })
  }

  it('shares one broker subscription per filter among browsers; the last one leaving unsubscribes', async () => {
    const { room, base, say } = await chat()
    const subscribes: string[] = []
    const count = (filters: Array<{ topic: string }>) => {
      for (const { topic } of filters) if (topic === room) subscribes.push(topic)
    }
    broker.broker.on('subscribe', count)
    onTestFinished(() => {
      broker.broker.off('subscribe', count)
    })
    // node:http, not fetch (see above); each resolves once its `subscribed` event came.
    const browsers = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<{ request: ClientRequest; text: () => string; more: () => Promise<void> }>(
            (resolve) => {
              const request = get(`${base}/events`, (response) => {
                let text = ''
                response.setEncoding('utf8').on('data', (chunk: string) => {
                  text += chunk
                })
                const more = () => new Promise<void>((done) => response.once('data', () => done()))
                response.once('data', () => resolve({ request, text: () => text, more }))
              })
            },
          ),
      ),
    )
    expect(subscribes).toEqual([room])
    const received = Promise.all(browsers.map((browser) => browser.more()))
    await say('to all three')
    await received
    for (const browser of browsers) expect(browser.text()).toContain('to all three')
    const unsubscribed = brokerSees('unsubscribe', room)
    for (const { request } of browsers) request.destroy()
    await unsubscribed
    expect(subscribes).toEqual([room])
  })

  it('app.close() does not wait for a browser that stopped reading', async () => {
    const room = uniqueTopic('fastify-sse-stalled')
    const { app } = testApp()
    // Room for the 16 MiB message below (the default bound is 16 MiB, header included).
    const maxIncomingPacketSize = 32 * 1024 * 1024
    await app.register(fastifyMqtt, { url: broker.url, closeTimeout: 60_000, maxIncomingPacketSize })
    const formatting = deferred()
    app.get('/events', (_request, reply) =>
      app.mqtt.sse(reply, room, {
        keepAlive: 0,
        format: (message) => {
          formatting.resolve()
          return toSSEEvent(message)
        },
      }),
    )
    const base = new URL(await app.listen({ port: 0, host: '127.0.0.1' }))
    const subscribed = brokerSees('subscribe', room)
    // A browser that sends its request and then reads nothing.
    const browser = connect(Number(base.port), base.hostname)
    browser.pause()
    browser.write(`GET /events HTTP/1.1\r\nhost: ${base.host}\r\n\r\n`)
    await subscribed
    // Far more than the sockets on both ends buffer: the write of this event never completes.
    const publisher = await peer(broker.url)
    await publisher.publish(room, 'x'.repeat(16 * 1024 * 1024), { qos: 1 })
    await formatting.promise
    await app.close()
    expect(app.mqtt.connected).toBe(false)
    browser.destroy()
  })
})
