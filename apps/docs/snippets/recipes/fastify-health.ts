// A recipe shown in packages/fastify-plugin/README.md and on the Fastify page, run by
// test/recipes.test.ts against mosquitto: keep the regions and the README in step (the test checks).
import { fastifyMqtt } from '@await-mqtt/fastify'
import underPressure, { TYPE_HEALTH_CHECK } from '@fastify/under-pressure'
import Fastify, { type FastifyInstance } from 'fastify'

/**
 * A Fastify app whose `GET /health` answers 503 while the broker is unreachable and 200 once the
 * client is connected, and whose other routes never answer 503 for MQTT's sake.
 * @example const app = await healthCheckedApp('mqtt://localhost')
 */
export async function healthCheckedApp(url: string): Promise<FastifyInstance> {
  // #region health
  const app = Fastify()
  await app.register(fastifyMqtt, { url, reconnect: true })
  await app.register(underPressure, {
    exposeStatusRoute: '/health', // asks healthCheck on every GET /health: 503 while MQTT is down
    healthCheck: async (app) => app.mqtt.healthy(),
    // under-pressure also runs healthCheck once when it is registered, before the plugin connects,
    // and would answer 503 on every route from that one answer (and again after each failed check
    // when a healthCheckInterval is set): only /health reports the broker.
    pressureHandler: (_request, reply, type) => {
      if (type === TYPE_HEALTH_CHECK) return
      reply.code(503).header('retry-after', '10').send({ error: 'Service Unavailable', type })
    },
  })
  app.get('/rooms', async () => ['lobby']) // 200 from the first request on
  // #endregion health
  return app
}
