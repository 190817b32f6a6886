import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client } from '../../src/index.js'

describe.skipIf(!mosquittoAvailable())(
  `the broker's receive maximum (mosquitto) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('a burst of QoS 1 and 2 publishes beyond it waits instead of failing with 0x97 Quota Exceeded', async () => {
      // startMosquitto sets max_inflight_messages 100: mosquitto's CONNACK says receive maximum 100
      await using broker = await startMosquitto({ websocket: false })
      await using client = await Client.connect(broker.url)
      const topic = uniqueTopic('quota')
      await using subscription = await client.subscribe(topic, { qos: 2 })
      const burst = Array.from({ length: 1_000 }, (_, n) =>
        client.publish(topic, String(n), { qos: n % 2 ? 1 : 2 }),
      )
      await Promise.all(burst)
      let received = 0
      for await (const _ of subscription) if (++received === 1_000) break
      expect(received).toBe(1_000)
    }, 60_000)
  },
)
