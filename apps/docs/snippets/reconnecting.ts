import { setTimeout as sleep } from 'node:timers/promises'
import { Client, MqttError } from '@await-mqtt/core'

// #region loop
/** One session, as long as the connection lasts: a lost connection throws MqttConnectionLostError. */
async function listen() {
  await using client = await Client.connect('mqtt://localhost')
  await using messages = client.messages('measurements/humidity')
  await client.subscribe('measurements/#')
  for await (const message of messages) console.log(message.text())
}

export async function main() {
  const reconnectInterval = 5_000 // ms
  while (true) {
    try {
      await listen()
    } catch (error) {
      if (!(error instanceof MqttError)) throw error
      console.log(`Error "${error.message}". Reconnecting in ${reconnectInterval / 1000} seconds.`)
      await sleep(reconnectInterval)
    }
  }
}
// #endregion loop

export async function persistentSession() {
  // #region session
  // A fixed client id and a session the broker keeps: QoS 1/2 messages sent while this client
  // was away are delivered when it comes back (with `message.dup` set on redeliveries).
  await using client = await Client.connect('mqtt://localhost', {
    clientId: 'billing-worker-1',
    clean: false,
    sessionExpiryInterval: 3_600, // MQTT 5: the broker keeps the session for an hour
  })
  await using charges = await client.subscribe('billing/charges/#', { qos: 1 })
  for await (const charge of charges) console.log(charge.messageId, charge.dup, charge.text())
  // #endregion session
}

export async function automatic() {
  // #region option
  await using client = await Client.connect('mqtt://localhost', {
    reconnect: { minDelay: 100, maxDelay: 30_000, factor: 2, jitter: 0.2, maxAttempts: Infinity },
  })
  // #endregion option
  return client
}
