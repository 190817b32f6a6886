import { MqttCodeError, MqttConnectError } from '@await-mqtt/core'
import { freePort, startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createMqttLifespan, type MqttEnv, mqtt, mqttSSE } from '../../src/index.js'
import { serveWithMqtt } from '../../src/node-server.js'
import { SSEReader } from '../sse-reader.js'
import { startedLifespan, testApp } from './app.js'
import { honoSuite } from './suite.js'

describe('on aedes (MQTT 3.1.1)', () => {
  honoSuite(() => startAedes())

  it('answers 503 once the connection is lost for good, and ends SSE streams with an error event', async () => {
    await using broker = await startAedes()
    const lifespan = await startedLifespan(broker.url)
    const app = testApp(lifespan)
    const events = new SSEReader(await app.request(`/events?filter=${uniqueTopic('hono-lost')}`))
    await events.nextNamed('subscribed')
    broker.dropConnections()
    expect((await events.nextNamed('error')).data).not.toBe('')
    expect(await events.next()).toBeUndefined()
    expect(lifespan.client.connected).toBe(false)
    const response = await app.request('/publish/a', { method: 'POST', body: 'x' })
    expect(response.status).toBe(503)
    expect(await response.text()).toMatch(/lost/)
  })

  it('lets a refused SSE subscription reach onError, holding nothing, and keeps serving other filters', async () => {
    await using broker = await startAedes({
      // a null subscription is aedes' way to answer SUBACK 0x80
      authorizeSubscribe: (_client, subscription, callback) =>
        callback(null, subscription.topic.startsWith('forbidden/') ? null : subscription),
    })
    const lifespan = await startedLifespan(broker.url)
    const errors: unknown[] = []
    const app = new Hono<MqttEnv>()
      .use(mqtt(lifespan))
      .get('/events/:filter{.+}', (c) => mqttSSE(c, c.req.param('filter'), { keepAlive: 0 }))
      .onError((error, c) => {
        errors.push(error)
        return c.text('refused', 403)
      })
    const [first, second] = await Promise.all([
      app.request('/events/forbidden%2F%23'),
      app.request('/events/forbidden%2F%23'),
    ])
    expect([first?.status, second?.status]).toEqual([403, 403])
    expect((await app.request('/events/forbidden%2F%23')).status).toBe(403)
    expect(errors).toHaveLength(3)
    expect(errors[0]).toBeInstanceOf(MqttCodeError)
    await using events = new SSEReader(await app.request('/events/allowed%2F%23'))
    expect((await events.nextNamed('subscribed')).data).toBe(JSON.stringify({ filter: 'allowed/#' }))
  })

  it('rejects start() with MqttConnectError when the broker is unreachable, and never listens', async () => {
    const port = await freePort()
    const lifespan = createMqttLifespan({ url: `mqtt://127.0.0.1:${port}`, timeout: 2000 })
    await expect(serveWithMqtt(testApp(lifespan), lifespan, { port: 0 })).rejects.toThrow(MqttConnectError)
    expect(lifespan.state).toBe('idle')
    await lifespan.stop()
  })
})
