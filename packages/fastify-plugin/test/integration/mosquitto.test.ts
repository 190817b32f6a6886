import { MqttConnectError } from '@await-mqtt/core'
import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it, vi } from 'vitest'
import fastifyMqtt from '../../src/index.js'
import { peer, testApp } from './helpers.js'
import { fastifySuite } from './suite.js'

describe.skipIf(!mosquittoAvailable())(
  `on mosquitto (MQTT 5) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    fastifySuite(() => startMosquitto({ websocket: false }))

    it('rejects ready() with MqttConnectError on bad credentials', async () => {
      await using broker = await startMosquitto({ websocket: false, users: { api: 'right' } })
      const { app } = testApp()
      await app.register(fastifyMqtt, { url: broker.url, username: 'api', password: 'wrong' })
      const error = await app.ready().then(
        () => undefined,
        (reason: unknown) => reason,
      )
      expect(error).toBeInstanceOf(MqttConnectError)
      expect(error).toMatchObject({ failure: 'bad-credentials' })
    })

    it('shares the work of a $share handler between two apps', async () => {
      await using broker = await startMosquitto({ websocket: false })
      const jobs = uniqueTopic('fastify-jobs')
      const done = new Map<string, string>()
      for (const worker of ['one', 'two']) {
        const { app } = testApp()
        await app.register(fastifyMqtt, { url: broker.url })
        app.mqtt.handle(`$share/workers/${jobs}/+job`, (_message, { params }) => {
          done.set(params.job, worker)
        })
        await app.ready()
      }
      const producer = await peer(broker.url)
      for (let job = 0; job < 20; job++) await producer.publish(`${jobs}/${job}`, 'run', { qos: 1 })
      await vi.waitFor(() => expect(done.size).toBe(20))
      expect(new Set(done.values())).toEqual(new Set(['one', 'two']))
    })
  },
)
