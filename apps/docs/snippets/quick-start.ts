import { Client } from '@await-mqtt/core'

export async function subscriber() {
  // #region subscriber
  await using client = await Client.connect('mqtt://localhost')
  await using messages = client.messages() // starts buffering now
  await client.subscribe('measurements/#')
  for await (const message of messages) {
    console.log(message.topic.value, message.text())
  }
  // #endregion subscriber
}

export async function publisher() {
  // #region publisher
  await using client = await Client.connect('mqtt://localhost')
  await client.publish('measurements/humidity', 0.38)
  // #endregion publisher
}
