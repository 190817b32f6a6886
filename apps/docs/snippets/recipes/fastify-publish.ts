// A recipe shown in packages/fastify-plugin/README.md and on the Fastify page, run by
// test/recipes.test.ts against aedes: keep the regions and the README in step (the test checks).
import { fastifyMqtt } from '@await-mqtt/fastify'
import Fastify, { type FastifyInstance } from 'fastify'

/**
 * A Fastify app with `POST /rooms/:room`, which publishes the request body to `chat/<room>`:
 * JSON bodies as JSON text, `text/plain` bodies as they are.
 * @example const app = await publishingApp('mqtt://localhost')
 */
export async function publishingApp(url: string): Promise<FastifyInstance> {
  // #region publish
  const app = Fastify()
  await app.register(fastifyMqtt, { url })
  // Fastify parses `application/json` bodies into values and `text/plain` bodies into strings
  app.post<{ Params: { room: string }; Body: unknown }>('/rooms/:room', async (request, reply) => {
    const payload = typeof request.body === 'string' ? request.body : JSON.stringify(request.body)
    await app.mqtt.publish(`chat/${request.params.room}`, payload, { qos: 1 })
    return reply.code(204).send()
  })
  // #endregion publish
  return app
}
