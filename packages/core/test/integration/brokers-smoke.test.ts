import {
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import mqtt from 'mqtt'
import { describe, expect, it } from 'vitest'

async function echo(url: string, protocolVersion: 4 | 5): Promise<string> {
  const client = await mqtt.connectAsync(url, { protocolVersion, reconnectPeriod: 0 })
  try {
    const topic = uniqueTopic('core-smoke')
    await client.subscribeAsync(topic, { qos: 1 })
    const received = new Promise<string>((resolve) =>
      client.once('message', (_t, payload) => resolve(`${payload}`)),
    )
    await client.publishAsync(topic, `v${protocolVersion}`, { qos: 1 })
    return await received
  } finally {
    await client.endAsync()
  }
}

describe('the brokers core is tested against', () => {
  it('aedes answers MQTT 3.1.1', async () => {
    await using broker = await startAedes()
    expect(await echo(broker.url, 4)).toBe('v4')
  })

  it.skipIf(!mosquittoAvailable())(
    `mosquitto answers MQTT 5 ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
    async () => {
      await using broker = await startMosquitto()
      expect(await echo(broker.url, 5)).toBe('v5')
    },
  )
})
