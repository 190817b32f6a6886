import { Client } from '@await-mqtt/core'

export async function lastWill() {
  // #region will
  await using client = await Client.connect('mqtt://localhost', {
    clientId: 'meter-17',
    will: { topic: 'meters/17/status', payload: 'offline', qos: 1, retain: true },
  })
  await client.publish('meters/17/status', 'online', { qos: 1, retain: true })
  // #endregion will
}
