import { fastifyMqtt } from '@await-mqtt/fastify'
import Fastify from 'fastify'

export async function server() {
  // #region plugin
  const app = Fastify({ logger: true })
  await app.register(fastifyMqtt, {
    url: 'mqtt://localhost',
    username: 'api',
    password: process.env.MQTT_PASSWORD,
    closeTimeout: 5_000, // app.close() waits this long for handlers and in-flight publishes
    subscriptions: {
      // started on ready, stopped on close; +id is a named wildcard, typed in params
      'sensors/+id/temperature': async (message, { params, log }) => {
        log.info({ sensor: params.id, celsius: message.json() }, 'temperature')
      },
    },
  })

  // JSON bodies arrive parsed, text/plain ones as strings: publish either
  app.post<{ Params: { room: string }; Body: unknown }>('/rooms/:room', async (request, reply) => {
    const payload = typeof request.body === 'string' ? request.body : JSON.stringify(request.body)
    await app.mqtt.publish(`chat/${request.params.room}`, payload, { qos: 1 })
    return reply.code(204).send()
  })

  // MQTT -> Server-Sent Events: new EventSource('/rooms/lobby/events') in the browser
  app.get<{ Params: { room: string } }>('/rooms/:room/events', (request, reply) =>
    app.mqtt.sse(reply, `chat/${request.params.room}`),
  )

  await app.listen({ port: 3000 }) // connects in onReady; app.close() closes gracefully
  // #endregion plugin
  return app
}

export async function handlers() {
  const app = Fastify()
  // #region handle
  await app.register(fastifyMqtt, { url: 'mqtt://localhost' })
  app.mqtt.handle(
    'jobs/+kind',
    async (message, { params }) => {
      console.log(params.kind, message.text())
    },
    { qos: 1, maxQueued: 100 },
  )
  await app.ready()
  // #endregion handle
}
