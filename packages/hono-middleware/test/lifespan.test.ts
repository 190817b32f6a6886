import { MqttClientClosedError, MqttValidationError } from '@await-mqtt/core'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createMqttLifespan, type MqttEnv, mqtt, mqttSSE } from '../src/index.js'

// Nothing here connects: a lifespan that was never started opens no socket.
const nowhere = 'mqtt://127.0.0.1:1'

function appFor(lifespan: ReturnType<typeof createMqttLifespan>) {
  return new Hono<MqttEnv>()
    .use(mqtt(lifespan))
    .get('/id', (c) => c.text(c.var.mqtt.clientId))
    .get('/events', (c) => mqttSSE(c, 'a/#'))
}

describe('a lifespan that is not running', () => {
  it('starts idle and throws a clear MqttClientClosedError from .client', () => {
    const lifespan = createMqttLifespan(nowhere)
    expect(lifespan.state).toBe('idle')
    expect(lifespan.signal.aborted).toBe(false)
    expect(() => lifespan.client).toThrow(MqttClientClosedError)
    expect(() => lifespan.client).toThrow(/await lifespan\.start\(\)/)
  })

  it('answers requests before start() with 503 and the reason, without waiting', async () => {
    const app = appFor(createMqttLifespan(nowhere))
    const response = await app.request('/id')
    expect(response.status).toBe(503)
    expect(await response.text()).toMatch(/not connected yet/)
  })

  it('answers SSE requests before start() with 503 too', async () => {
    const response = await appFor(createMqttLifespan(nowhere)).request('/events')
    expect(response.status).toBe(503)
  })

  it('is stopped for good after stop(): 503, aborted signal, start() rejects', async () => {
    const lifespan = createMqttLifespan({ url: nowhere, stopTimeout: 1000 })
    await lifespan.stop()
    expect(lifespan.state).toBe('stopped')
    expect(lifespan.signal.aborted).toBe(true)
    expect(lifespan.signal.reason).toBeInstanceOf(MqttClientClosedError)
    await expect(lifespan.start()).rejects.toThrow(MqttClientClosedError)
    const response = await appFor(lifespan).request('/id')
    expect(response.status).toBe(503)
    expect(await response.text()).toMatch(/lifespan was stopped/)
  })

  it('stops once however often stop() or asyncDispose is called', async () => {
    const lifespan = createMqttLifespan(nowhere)
    const first = lifespan.stop()
    expect(lifespan.stop()).toBe(first)
    await lifespan[Symbol.asyncDispose]()
    expect(lifespan.state).toBe('stopped')
  })

  it('rejects mqttSSE on a route without the middleware or a lifespan option', async () => {
    let thrown: unknown
    const app = new Hono()
      .get('/events', (c) => mqttSSE(c, 'a/#'))
      .onError((error, c) => {
        thrown = error
        return c.text('failed', 500)
      })
    expect((await app.request('/events')).status).toBe(500)
    expect(thrown).toBeInstanceOf(MqttValidationError)
    expect((thrown as Error).message).toMatch(/mqtt\(lifespan\) middleware/)
  })

  it('rejects a connectTimeout or closeTimeout that is not a positive number, naming it', () => {
    for (const field of ['connectTimeout', 'closeTimeout', 'stopTimeout'] as const) {
      for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        let thrown: unknown
        try {
          createMqttLifespan({ url: nowhere, [field]: value })
        } catch (error) {
          thrown = error
        }
        expect(thrown).toBeInstanceOf(MqttValidationError)
        expect((thrown as MqttValidationError).field).toBe(field)
      }
    }
  })
})
