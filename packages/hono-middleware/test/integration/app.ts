import { Client } from '@await-mqtt/core'
import { Hono } from 'hono'
import { onTestFinished } from 'vitest'
import {
  createMqttLifespan,
  type MqttEnv,
  type MqttLifespan,
  type MqttLifespanOptions,
  mqtt,
  mqttSSE,
} from '../../src/index.js'

/** A started lifespan on `url`, stopped when the test ends. */
export async function startedLifespan(
  url: string,
  options: Omit<MqttLifespanOptions, 'url'> = {},
): Promise<MqttLifespan> {
  const lifespan = createMqttLifespan({ url, ...options })
  onTestFinished(() => lifespan.stop())
  await lifespan.start()
  return lifespan
}

/** A second client, closed when the test ends: the "other side" of the broker. */
export async function peer(url: string): Promise<Client> {
  const client = await Client.connect(url)
  onTestFinished(() => client.close())
  return client
}

/** The app the tests drive: publish from a POST, SSE for any filter (`?filter=`). */
export function testApp(lifespan: MqttLifespan) {
  return new Hono<MqttEnv>()
    .use(mqtt(lifespan))
    .post('/publish/:topic{.+}', async (c) => {
      await c.var.mqtt.publish(c.req.param('topic'), await c.req.text(), { qos: 1 })
      return c.body(null, 204)
    })
    .get('/events', (c) => mqttSSE(c, c.req.query('filter') ?? '#', { keepAlive: 0, qos: 1 }))
}
