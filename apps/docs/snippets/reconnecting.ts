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
  await using readings = await client.subscribe('measurements/#', { qos: 1 })
  for await (const reading of readings) console.log(reading.text()) // goes on across broker restarts
  // #endregion option
}

export async function watch(client: Client) {
  // #region events
  console.log(client.state) // 'connected' | 'reconnecting' | 'disconnected' | 'closed'
  for await (const event of client.events()) {
    switch (event.type) {
      case 'disconnected':
        console.warn(`lost the broker (${event.cause.message}); reconnecting: ${event.willReconnect}`)
        break
      case 'reconnecting':
        console.info(`attempt ${event.attempt} in ${event.delay} ms`)
        break
      case 'connected':
        console.info(event.sessionPresent ? 'back, session kept' : 'back, resubscribed')
        break
      case 'closed':
        console.info('closed') // the loop ends after this event
    }
  }
  // #endregion events
}

export async function slowConsumer() {
  // #region ack
  await using client = await Client.connect('mqtt://localhost', {
    ack: 'after-processing', // PUBACK/PUBCOMP once the loop asks for the next message
    properties: { receiveMaximum: 10 }, // MQTT 5: at most 10 unacknowledged messages in flight
  })
  await using jobs = await client.subscribe('jobs/#', { qos: 1 })
  for await (const job of jobs) {
    await handle(job.json()) // while this runs, the broker holds the rest of the queue
  }
  // #endregion ack
}

declare function handle(job: unknown): Promise<void>
