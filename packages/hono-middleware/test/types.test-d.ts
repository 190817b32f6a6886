import type { Client, SharedStreamOptions } from '@await-mqtt/core'
import { Hono } from 'hono'
import { describe, expectTypeOf, it } from 'vitest'
import {
  createMqttLifespan,
  type MqttEnv,
  type MqttHandler,
  type MqttHandlerContext,
  type MqttLifespan,
  type MqttSSEOptions,
  type MqttVariables,
  mqtt,
  mqttSSE,
} from '../src/index.js'
import { type MqttServer, serveWithMqtt } from '../src/node-server.js'

const lifespan = createMqttLifespan('mqtt://localhost')

describe('c.var.mqtt', () => {
  it('is a Client after the middleware, without any generic', () => {
    new Hono().use(mqtt(lifespan)).get('/', (c) => {
      expectTypeOf(c.var.mqtt).toEqualTypeOf<Client>()
      expectTypeOf(c.get('mqtt')).toEqualTypeOf<Client>()
      return c.text('ok')
    })
  })

  it('is a Client in an app typed with MqttEnv', () => {
    new Hono<MqttEnv>().get('/', (c) => {
      expectTypeOf(c.var.mqtt).toEqualTypeOf<Client>()
      return c.text('ok')
    })
  })

  it('takes the configured variable name', () => {
    new Hono().use(mqtt(lifespan, { variable: 'broker' })).get('/', (c) => {
      expectTypeOf(c.var.broker).toEqualTypeOf<Client>()
      // @ts-expect-error only the configured name is set
      c.var.mqttt
      return c.text('ok')
    })
    expectTypeOf<MqttVariables<'broker'>>().toEqualTypeOf<{ broker: Client }>()
    expectTypeOf<MqttEnv<'broker'>>().toEqualTypeOf<{ Variables: { broker: Client } }>()
  })

  it('combines with the app’s own variables', () => {
    new Hono<{ Variables: MqttVariables & { user: string } }>().get('/', (c) => {
      expectTypeOf(c.var.mqtt).toEqualTypeOf<Client>()
      expectTypeOf(c.var.user).toEqualTypeOf<string>()
      return c.text('ok')
    })
  })
})

describe('the lifespan', () => {
  it('is async-disposable and hands out a Client', () => {
    expectTypeOf(lifespan).toExtend<AsyncDisposable>()
    expectTypeOf(lifespan.client).toEqualTypeOf<Client>()
    expectTypeOf(lifespan.start).returns.toEqualTypeOf<Promise<Client>>()
    expectTypeOf(lifespan.stop).parameter(0).toExtend<{ timeout?: number } | undefined>()
  })

  it('takes a URL or client options, never an unknown option', () => {
    createMqttLifespan({ url: 'mqtt://localhost', keepalive: 30, connectTimeout: 3000, closeTimeout: 5000 })
    // the former name of closeTimeout, deprecated
    createMqttLifespan({ url: 'mqtt://localhost', stopTimeout: 5000 })
    // @ts-expect-error not a client option
    createMqttLifespan({ url: 'mqtt://localhost', keepAlive: 30 })
  })

  it('serves with @hono/node-server and gives a disposable server', () => {
    expectTypeOf(serveWithMqtt(new Hono(), lifespan, { port: 0 })).toEqualTypeOf<Promise<MqttServer>>()
    // @ts-expect-error signals are Node signal names
    serveWithMqtt(new Hono(), lifespan, { signals: ['SIGNOPE'] })
  })
})

describe('mqttSSE', () => {
  it('returns a Response promise, as a Hono handler may', () => {
    new Hono().use(mqtt(lifespan)).get('/events', (c) => {
      const response = mqttSSE(c, 'sensors/#', { qos: 1, keepAlive: 0 })
      expectTypeOf(response).toEqualTypeOf<Promise<Response>>()
      return response
    })
    expectTypeOf<MqttLifespan>().toHaveProperty('signal').toEqualTypeOf<AbortSignal>()
  })

  it("takes core's SharedStreamOptions, as @await-mqtt/fastify's app.mqtt.sse() does", () => {
    expectTypeOf<MqttSSEOptions>().toExtend<SharedStreamOptions>()
    expectTypeOf<MqttSSEOptions['keepAlive']>().toEqualTypeOf<number | undefined>()
    new Hono()
      .use(mqtt(lifespan))
      .get('/events', (c) => mqttSSE(c, 'sensors/#', { maxQueued: 100, overflow: 'drop-newest' }))
    new Hono().use(mqtt(lifespan)).get('/events', (c) =>
      // @ts-expect-error not an overflow policy
      mqttSSE(c, 'sensors/#', { overflow: 'drop-all' }),
    )
  })

  it('lifespan.handle() types the named wildcards of its filter, as the Fastify plugin does', () => {
    const lifespan = createMqttLifespan('mqtt://localhost')
    lifespan.handle('sensors/+id/#rest', (message, { params, signal }) => {
      expectTypeOf(params).toEqualTypeOf<{ id: string; rest: string[] }>()
      expectTypeOf(message.params).toEqualTypeOf<{ id: string; rest: string[] }>()
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>()
    })
    lifespan.handle(
      '$share/workers/jobs/+job',
      async (_message, { params }) => {
        expectTypeOf(params).toEqualTypeOf<{ job: string }>()
      },
      { qos: 1, maxQueued: 10 },
    )
    // @ts-expect-error a call option: handlers live as long as the lifespan
    lifespan.handle('a', () => {}, { timeout: 5 })
    const handler: MqttHandler<'rooms/+room'> = (_message, context: MqttHandlerContext<'rooms/+room'>) => {
      expectTypeOf(context.params.room).toEqualTypeOf<string>()
    }
    lifespan.handle('rooms/+room', handler)
  })
})
