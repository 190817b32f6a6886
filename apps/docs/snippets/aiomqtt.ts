// The await-mqtt side of the aiomqtt page (migrating/asyncio-mqtt.md).
import { Client } from '@await-mqtt/core'

export async function distributor() {
  // #region messages
  await using client = await Client.connect('mqtt://test.mosquitto.org')
  await using messages = client.messages() // like client.messages: every message of the client
  await client.subscribe('temperature/#')
  await client.subscribe('humidity/#')
  for await (const message of messages) {
    if (message.topic.matches('temperature/#')) console.log('[temperature/#]', message.text())
    else if (message.topic.matches('humidity/#')) console.log('[humidity/#]', message.text())
  }
  // #endregion messages
}

export async function perFilter() {
  // #region per-filter
  await using client = await Client.connect('mqtt://test.mosquitto.org')
  // no distributor and no queues of your own: one stream per subscription, run side by side
  await using temperatures = await client.subscribe('temperature/#')
  await using humidities = await client.subscribe('humidity/#', { maxQueued: 100 })
  await Promise.all([
    (async () => {
      for await (const message of temperatures) console.log('[temperature/#]', message.text())
    })(),
    (async () => {
      for await (const message of humidities) console.log('[humidity/#]', message.text())
    })(),
  ])
  // #endregion per-filter
}
