import type { Client, Message, MessageStream, SharedStreamOptions, Subscription } from '@await-mqtt/core'
import fastifyMqtt, {
  type FastifyMqtt,
  type FastifyMqttInstance,
  type FastifyMqttOptions,
  type MqttHandler,
  type MqttSSEOptions,
  fastifyMqtt as named,
} from '@await-mqtt/fastify'
import Fastify, { type FastifyBaseLogger, type FastifyPluginAsync, type FastifyReply } from 'fastify'
import { describe, expectTypeOf, it } from 'vitest'

declare module '@await-mqtt/fastify' {
  interface FastifyMqttNamespaces {
    backup: FastifyMqttInstance
  }
}

declare const client: Client
declare const reply: FastifyReply
const app = Fastify()

describe('the plugin', () => {
  it('is a Fastify plugin taking FastifyMqttOptions, as default and named export', () => {
    expectTypeOf(fastifyMqtt).toEqualTypeOf(named)
    expectTypeOf(fastifyMqtt).toExtend<FastifyPluginAsync<FastifyMqttOptions>>()
  })

  it('registers with client options, or with a client of your own', () => {
    app.register(fastifyMqtt, { url: 'mqtt://localhost', username: 'u', password: 'p', keepalive: 30 })
    app.register(fastifyMqtt, { hostname: 'localhost', namespace: 'backup', connectTimeout: 3000 })
    app.register(fastifyMqtt, { client })
    app.register(fastifyMqtt, { client, closeClient: true, closeTimeout: 1000, namespace: 'backup' })
    app.register(fastifyMqtt, {
      url: 'mqtt://localhost',
      subscriptions: {
        'sensors/+id': (message, { params, log }) => {
          expectTypeOf(message).toEqualTypeOf<Message>()
          expectTypeOf(params).toEqualTypeOf<Record<string, string | string[]>>()
          expectTypeOf(log).toEqualTypeOf<FastifyBaseLogger>()
        },
        'jobs/#': { handler: async () => {}, qos: 1, maxQueued: 10 },
      },
    })
  })

  it('does not compile bad combinations', () => {
    // @ts-expect-error: a client and client options exclude each other
    app.register(fastifyMqtt, { client, url: 'mqtt://localhost' })
    // @ts-expect-error: closeClient only makes sense with a client of your own
    app.register(fastifyMqtt, { url: 'mqtt://localhost', closeClient: true })
    // @ts-expect-error: a client and connection settings exclude each other
    app.register(fastifyMqtt, { client, username: 'alice' })
    // @ts-expect-error: the client must be a core Client
    app.register(fastifyMqtt, { client: { publish() {} } })
    // @ts-expect-error: QoS is 0, 1 or 2
    app.register(fastifyMqtt, { url: 'mqtt://localhost', subscriptions: { a: { handler() {}, qos: 3 } } })
    // @ts-expect-error: connectTimeout is a number of milliseconds
    app.register(fastifyMqtt, { url: 'mqtt://localhost', connectTimeout: '5s' })
  })
})

describe('app.mqtt', () => {
  it('is typed through declaration merging', () => {
    expectTypeOf(app.mqtt).toEqualTypeOf<FastifyMqtt>()
    expectTypeOf(app.mqtt.client).toEqualTypeOf<Client>()
    expectTypeOf(app.mqtt.connected).toEqualTypeOf<boolean>()
    expectTypeOf(app.mqtt.healthy).returns.toEqualTypeOf<boolean>()
    expectTypeOf(app.mqtt.publish).returns.resolves.toBeVoid()
    expectTypeOf(app.mqtt.subscribe).returns.resolves.toEqualTypeOf<Subscription>()
    expectTypeOf(app.mqtt.messages).returns.toEqualTypeOf<MessageStream>()
    expectTypeOf(app.mqtt.sse(reply, 'a/#')).resolves.toEqualTypeOf<FastifyReply>()
  })

  it("takes core's SharedStreamOptions for SSE, as @await-mqtt/hono's mqttSSE() does", () => {
    expectTypeOf<MqttSSEOptions>().toExtend<SharedStreamOptions>()
    expectTypeOf<MqttSSEOptions['keepAlive']>().toEqualTypeOf<number | undefined>()
    app.mqtt.sse(reply, 'a/#', { qos: 1, maxQueued: 100, overflow: 'drop-newest', keepAlive: 0 })
    // @ts-expect-error not an overflow policy
    app.mqtt.sse(reply, 'a/#', { overflow: 'drop-all' })
  })

  it('types the named instances declared in FastifyMqttNamespaces, and only those', () => {
    expectTypeOf(app.mqtt.backup).toEqualTypeOf<FastifyMqttInstance>()
    expectTypeOf(app.mqtt.backup.publish).toEqualTypeOf<FastifyMqttInstance['publish']>()
    // @ts-expect-error: never declared, so never registered as far as the types know
    app.mqtt.elsewhere
    // @ts-expect-error: instances are read-only
    app.mqtt.backup = app.mqtt
  })

  it('types the named wildcards of a handler filter', () => {
    app.mqtt.handle('sensors/+id/#rest', (message, { params }) => {
      expectTypeOf(message).toEqualTypeOf<Message<{ id: string; rest: string[] }>>()
      expectTypeOf(message.params).toEqualTypeOf<{ id: string; rest: string[] }>()
      expectTypeOf(params).toEqualTypeOf<{ id: string; rest: string[] }>()
    })
    app.mqtt.handle('$share/workers/jobs/+job', async (_message, { params }) => {
      expectTypeOf(params).toEqualTypeOf<{ job: string }>()
    })
    app.mqtt.handle('plain/+/#', (_message, { params }) => {
      expectTypeOf(params).toEqualTypeOf<Record<never, never>>()
    })
    app.mqtt.handle('a/+id', (_message, { params }) => {
      // @ts-expect-error: no such wildcard in the filter
      params.other
    })
    // @ts-expect-error: a handler returns nothing or a promise of nothing that matters
    app.mqtt.handle('a', () => 42)
  })

  it('accepts handlers written ahead of time', () => {
    const temperature: MqttHandler<'sensors/+id/temperature'> = (_message, { params }) => {
      expectTypeOf(params.id).toBeString()
    }
    app.mqtt.handle('sensors/+id/temperature', temperature, { qos: 1 })
  })
})
