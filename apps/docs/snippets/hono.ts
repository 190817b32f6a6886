import { createMqttLifespan, type MqttEnv, mqtt, mqttSSE } from '@await-mqtt/hono'
import { serveWithMqtt } from '@await-mqtt/hono/node-server'
import { Hono } from 'hono'

// #region app
const lifespan = createMqttLifespan({ url: 'mqtt://localhost', closeTimeout: 5_000 })

const app = new Hono<MqttEnv>()
  .use(mqtt(lifespan)) // c.var.mqtt is the connected Client (503 while it is not)
  .post('/rooms/:room', async (c) => {
    await c.var.mqtt.publish(`chat/${c.req.param('room')}`, await c.req.text(), { qos: 1 })
    return c.body(null, 204)
  })
  .get('/rooms/:room/events', (c) => mqttSSE(c, `chat/${c.req.param('room')}`)) // MQTT -> SSE

// Connects, then listens; Ctrl-C ends the SSE streams, closes the server, then the client.
await serveWithMqtt(app, lifespan, { port: 3000, signals: ['SIGINT', 'SIGTERM'] })
// #endregion app
