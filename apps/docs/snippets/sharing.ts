import { Client } from '@await-mqtt/core'

// #region sharing
async function publishHumidity(client: Client) {
  await client.publish('measurements/humidity', 0.38)
}

async function publishTemperature(client: Client) {
  await client.publish('measurements/temperature', 28.3)
}

export async function main() {
  await using client = await Client.connect('mqtt://localhost')
  await publishHumidity(client)
  await publishTemperature(client)
}
// #endregion sharing
