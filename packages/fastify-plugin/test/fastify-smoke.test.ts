import { startAedes } from '@await-mqtt/test-utils'
import Fastify from 'fastify'
import mqtt from 'mqtt'
import { expect, it } from 'vitest'

it('a Fastify app can reach the embedded broker in its lifecycle hooks', async () => {
  await using broker = await startAedes()
  const app = Fastify()
  let client: mqtt.MqttClient | undefined
  app.addHook('onReady', async () => {
    client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 })
  })
  app.addHook('onClose', async () => {
    await client?.endAsync()
  })
  app.get('/connected', async () => ({ connected: client?.connected ?? false }))
  await app.ready()
  const response = await app.inject({ url: '/connected' })
  expect(response.json()).toEqual({ connected: true })
  await app.close()
  expect(client?.connected).toBe(false)
})
