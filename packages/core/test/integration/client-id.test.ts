import {
  mosquittoAvailable,
  mosquittoSkipReason,
  startMosquitto,
  startScriptedBroker,
} from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, MqttValidationError } from '../../src/index.js'

describe('an empty client id', () => {
  it('is sent under MQTT 5 and client.clientId shows the id the broker assigned', async () => {
    await using broker = await startScriptedBroker({
      connack: { properties: { assignedClientIdentifier: 'assigned-by-broker' } },
    })
    await using client = await Client.connect(broker.url, { clientId: '' })
    const connection = await broker.connection()
    expect(connection.connect.clientId).toBe('')
    expect(client.clientId).toBe('assigned-by-broker')
  })

  it.each([
    [{ protocolVersion: 4, clean: false }],
    [{ protocolVersion: 5, clean: false }],
    [{ protocolVersion: 3 }],
  ] as const)('is refused before any socket opens (%o)', async (options) => {
    await using broker = await startScriptedBroker()
    const connecting = Client.connect(broker.url, { clientId: '', ...options })
    await expect(connecting).rejects.toThrow(MqttValidationError)
    await expect(connecting).rejects.toMatchObject({ field: 'clientId' })
    expect(broker.connections).toHaveLength(0)
  })
})

describe.skipIf(!mosquittoAvailable())(
  `an empty client id on mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('gets an id assigned by mosquitto under MQTT 5', async () => {
      await using broker = await startMosquitto({ websocket: false })
      await using client = await Client.connect(broker.url, { clientId: '' })
      expect(client.protocolVersion).toBe(5)
      expect(client.clientId).not.toBe('')
      await client.publish('client-id/assigned', 'works', { qos: 1 })
    })

    it('is accepted by mosquitto under MQTT 3.1.1 with a clean session', async () => {
      await using broker = await startMosquitto({ websocket: false })
      await using client = await Client.connect(broker.url, { clientId: '', protocolVersion: 4 })
      expect(client.clientId).toBe('')
      await client.publish('client-id/assigned', 'works', { qos: 1 })
    })
  },
)
