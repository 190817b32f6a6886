import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type ConnectionEvent, MqttUndeliverableError } from '../../src/index.js'
import { nextEvent } from './helpers.js'

const fast = { minDelay: 20, maxDelay: 100, jitter: 0 }

describe.skipIf(!mosquittoAvailable())(
  `poison protection on mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    // MQTT 3.1.1 has no way to tell a client the broker's packet size limit (MQTT 5 sends it in
    // CONNACK), so no check before the wire can stop this PUBLISH: mosquitto hangs up on it.
    it('gives up a publish mosquitto hangs up on (too large under MQTT 3.1.1); the rest is delivered', async () => {
      await using broker = await startMosquitto({ websocket: false, extraConfig: 'max_packet_size 2000' })
      const topic = uniqueTopic('poison')
      await using subscriber = await Client.connect(broker.url, { protocolVersion: 4 })
      await using subscription = await subscriber.subscribe(`${topic}/#`, { qos: 1 })
      await using client = await Client.connect(broker.url, {
        protocolVersion: 4,
        reconnect: fast,
        timeout: 8_000,
      })
      await using events = client.events()
      const first = client.publish(`${topic}/a`, 'a', { qos: 1 })
      const refused = client.publish(`${topic}/big`, 'x'.repeat(4_000), { qos: 1 }).then(
        () => undefined,
        (error: unknown) => error,
      )
      const second = client.publish(`${topic}/b`, 'b', { qos: 2 })
      await Promise.all([first, second])
      const error = await refused
      expect(error).toBeInstanceOf(MqttUndeliverableError)
      expect(error).toMatchObject({ code: 'UNDELIVERABLE', topic: `${topic}/big`, sends: 4 })
      // One reconnection run: after the 1st, 2nd and 3rd resend the handshake fails, the 4th succeeds.
      const seen: ConnectionEvent[] = []
      await nextEvent(events, 'connected', seen)
      expect(seen.filter((event) => event.type === 'reconnecting')).toHaveLength(4)
      expect(client.state).toBe('connected')
      await client.publish(`${topic}/c`, 'c', { qos: 1 })

      const received = new Set<string>()
      for await (const message of subscription) {
        received.add(message.topic.value)
        if (received.has(`${topic}/c`)) break
      }
      expect(received).toEqual(new Set([`${topic}/a`, `${topic}/b`, `${topic}/c`]))
    })
  },
)
