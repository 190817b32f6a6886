import { createMqttLifespan, type MqttEnv, mqtt } from '@await-mqtt/hono'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

// #region manual
const lifespan = createMqttLifespan('mqtt://localhost')
const app = new Hono<MqttEnv>()
  .use(mqtt(lifespan))
  .get('/client', (c) => c.json({ clientId: c.var.mqtt.clientId }))

await lifespan.start() // connect before taking requests
const server = serve({ fetch: app.fetch, port: 3000 })
process.once('SIGTERM', () => void lifespan.stop({ server })) // server first, then the client
// #endregion manual
