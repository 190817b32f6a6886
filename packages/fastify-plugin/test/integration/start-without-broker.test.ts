import { MqttConnectError } from '@await-mqtt/core'
import { startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import fastifyMqtt from '../../src/index.js'
import { peer, testApp } from './helpers.js'

const reconnect = { minDelay: 20, maxDelay: 200, jitter: 0 }

describe('connectInBackground: the app starts while the broker is down', () => {
  it('ready() resolves, the health route says 503 until connected, handlers start when it connects', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    const { app } = testApp()
    await app.register(fastifyMqtt, { url: broker.url, reconnect, connectInBackground: true })
    const topic = uniqueTopic('fastify/background')
    const handled: string[] = []
    let gotOne: () => void = () => {}
    const received = new Promise<void>((resolve) => {
      gotOne = resolve
    })
    app.mqtt.handle(
      topic,
      (message) => {
        handled.push(message.text())
        gotOne()
      },
      { qos: 1 },
    )
    app.get('/health', async (_request, reply) => reply.code(app.mqtt.healthy() ? 200 : 503).send())
    await app.ready()
    expect((await app.inject('/health')).statusCode).toBe(503)
    expect(app.mqtt.client.state).toBe('reconnecting')

    await using events = app.mqtt.client.events()
    await broker.start()
    for await (const event of events) if (event.type === 'connected') break
    expect((await app.inject('/health')).statusCode).toBe(200)
    const other = await peer(broker.url)
    // the handler subscribes once connected: publish until it got one (QoS 1 to a subscribed handler)
    const publishing = (async () => {
      while (handled.length === 0) {
        await other.publish(topic, 'hello', { qos: 1 })
        await Promise.race([received, new Promise((resolve) => setTimeout(resolve, 50))])
      }
    })()
    await received
    await publishing
    expect(handled[0]).toBe('hello')
  })

  it('without it, ready() still fails fast while the broker is down', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    const { app } = testApp()
    await app.register(fastifyMqtt, { url: broker.url, reconnect })
    await expect(app.ready()).rejects.toBeInstanceOf(MqttConnectError)
  })

  it('close() while still waiting for the broker ends cleanly', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    const { app } = testApp()
    await app.register(fastifyMqtt, { url: broker.url, reconnect, connectInBackground: true })
    app.mqtt.handle(uniqueTopic('fastify/never'), () => {})
    await app.ready()
    await expect(app.close()).resolves.toBeUndefined()
    expect(app.mqtt.healthy()).toBe(false)
  })
})
