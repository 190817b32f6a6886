// The same with await-mqtt: the "after" column of the migration guide.
import { Client, MqttConnectError } from '@await-mqtt/core'

export async function connect() {
  // #region connect
  try {
    const client = await Client.connect('mqtt://localhost', { username: 'alice', password: 'secret' })
    console.log('connected')
    return client
  } catch (error) {
    if (error instanceof MqttConnectError) console.error(error.failure, error.message) // e.g. 'bad-credentials'
    throw error
  }
  // #endregion connect
}

export async function publish(client: Client) {
  // #region publish
  await client.publish('measurements/humidity', 0.38, { qos: 1 }) // throws on failure
  console.log('PUBACK received')
  // #endregion publish
}

export async function subscribe(client: Client) {
  // #region subscribe
  await using temperatures = await client.subscribe('sensors/+/temperature', { qos: 1 }) // refused: throws
  for await (const message of temperatures) {
    // only this subscription's messages arrive here
    console.log(message.topic.value, message.text())
  }
  // #endregion subscribe
}

export async function close(client: Client) {
  // #region close
  await client.close() // waits for in-flight QoS 1/2, sends DISCONNECT, ends every stream
  console.log('closed') // no socket, timer or listener left
  // #endregion close
}

export async function reconnect() {
  // #region reconnect
  await using client = await Client.connect('mqtt://localhost', { reconnect: { minDelay: 1_000 } })
  void (async () => {
    for await (const event of client.events()) console.log(event.type) // 'disconnected', 'reconnecting'...
  })()
  await using messages = await client.subscribe('measurements/#') // resubscribed for you
  for await (const message of messages) console.log(message.text())
  // #endregion reconnect
}
