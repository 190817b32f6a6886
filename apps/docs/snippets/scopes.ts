import { Client, withClient } from '@await-mqtt/core'

export async function usingDeclaration() {
  // #region await-using
  {
    await using client = await Client.connect('mqtt://localhost')
    await client.publish('measurements/humidity', 0.38)
  } // leaving the block closes the client: in-flight publishes finish, then DISCONNECT
  // #endregion await-using
}

export async function scopeHelper() {
  // #region with-client
  const sent = await withClient('mqtt://localhost', async (client) => {
    await client.publish('measurements/humidity', 0.38, { qos: 1 })
    return true
  }) // closed here, whether the function resolved or threw
  // #endregion with-client
  return sent
}

export async function manualClose() {
  // #region close
  const client = await Client.connect('mqtt://localhost')
  try {
    await client.publish('measurements/humidity', 0.38)
  } finally {
    await client.close({ timeout: 2_000 }) // idempotent, never rejects
  }
  // #endregion close
}
