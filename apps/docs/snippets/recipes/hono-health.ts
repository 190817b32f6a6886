// A recipe shown in packages/hono-middleware/README.md and on the Hono page, run by
// test/recipes.test.ts against mosquitto: keep the region and the README in step (the test checks).
import { createMqttLifespan, type MqttEnv, type MqttLifespan, mqtt } from '@await-mqtt/hono'
import { Hono } from 'hono'

/**
 * A Hono app whose `GET /health` answers 503 whenever the client is not connected right now
 * (starting, reconnecting, lost for good, stopped), and 200 while it is.
 * @example const { app, lifespan } = healthCheckedHono('mqtt://localhost')
 */
export function healthCheckedHono(url: string): { app: Hono<MqttEnv>; lifespan: MqttLifespan } {
  // #region health
  const lifespan = createMqttLifespan({ url, reconnect: true })
  const app = new Hono<MqttEnv>()
    // before mqtt(): /health answers for itself, also while the lifespan is not running.
    // lifespan.state stays 'running' while the broker is down: ask the client.
    .get('/health', (c) => {
      const mqtt = lifespan.state === 'running' ? lifespan.client.state : lifespan.state
      return c.json({ mqtt }, mqtt === 'connected' ? 200 : 503)
    })
    .use(mqtt(lifespan))
    .get('/rooms', (c) => c.json(['lobby']))
  // #endregion health
  return { app, lifespan }
}
