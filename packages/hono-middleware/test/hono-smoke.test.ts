import { startAedes } from '@await-mqtt/test-utils'
import { Hono } from 'hono'
import mqtt from 'mqtt'
import { expect, it } from 'vitest'

it('a Hono route can publish through a client connected to the embedded broker', async () => {
  await using broker = await startAedes()
  const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 })
  const app = new Hono().post('/publish/:topic', async (c) => {
    await client.publishAsync(c.req.param('topic'), await c.req.text(), { qos: 1 })
    return c.body(null, 204)
  })
  const response = await app.request('/publish/greetings', { method: 'POST', body: 'hi' })
  expect(response.status).toBe(204)
  await client.endAsync()
})
