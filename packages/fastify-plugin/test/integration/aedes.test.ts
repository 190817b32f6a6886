import { MqttCodeError } from '@await-mqtt/core'
import { startAedes } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import fastifyMqtt from '../../src/index.js'
import { testApp } from './helpers.js'
import { fastifySuite } from './suite.js'

describe('on aedes (MQTT 3.1.1)', () => {
  fastifySuite(() => startAedes({ websocket: false }))

  it('rejects ready() with MqttCodeError when the broker refuses a handler subscription, and closes', async () => {
    await using broker = await startAedes({
      websocket: false,
      // A null subscription makes aedes answer SUBACK 0x80 (failure).
      authorizeSubscribe: (_client, subscription, callback) =>
        callback(null, subscription.topic.startsWith('forbidden/') ? null : subscription),
    })
    const { app } = testApp()
    await app.register(fastifyMqtt, { url: broker.url })
    app.mqtt.handle('allowed/+id', () => {})
    app.mqtt.handle('forbidden/+id', () => {})
    const error = await app.ready().then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(MqttCodeError)
    expect(error).toMatchObject({ reasonCode: 0x80 })
    expect(app.mqtt.healthy()).toBe(false)
    expect(() => app.mqtt.client).toThrow(/closed/)
    await expect(app.close()).resolves.toBeUndefined()
  })
})
