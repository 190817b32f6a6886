// The same with await-mqtt: the "after" column of the migration guide.
import {
  Client,
  MqttCodeError,
  MqttConnectError,
  MqttConnectionLostError,
  MqttTimeoutError,
} from '@await-mqtt/core'

export async function connect() {
  // #region connect
  // resolves once the broker accepted, or rejects within `timeout` (10 s) saying why
  const client = await Client.connect('mqtt://localhost', { username: 'alice', password: 'secret' })
  // #endregion connect
  return client
}

export async function receive(client: Client) {
  // #region receive
  await using temperatures = await client.subscribe('sensors/+/temperature', { qos: 1 })
  await using jobs = await client.subscribe('jobs/#', { qos: 1 })
  // each subscription is an async iterable of its own messages
  void (async () => {
    for await (const message of temperatures) console.log('temperature', message.text())
  })()
  for await (const job of jobs) console.log('job', job.text())
  // #endregion receive
}

export async function slowConsumer(client: Client) {
  // #region queue
  // one message at a time; at most 100 wait, the oldest go first past that (counted in .dropped)
  await using readings = await client.subscribe('sensors/#', { maxQueued: 100, overflow: 'drop-oldest' })
  for await (const reading of readings) await store(reading.json())
  // #endregion queue
}

export async function ackAfterProcessing() {
  // #region ack
  // the PUBACK goes out when the loop asks for the next message: per stream, not per connection
  await using client = await Client.connect('mqtt://localhost', { ack: 'after-processing' })
  await using jobs = await client.subscribe('jobs/#', { qos: 1 })
  for await (const job of jobs) await store(job.json())
  // #endregion ack
}

export async function errors() {
  // #region errors
  try {
    await Client.connect('mqtt://localhost', { username: 'alice', password: 'wrong' })
  } catch (error) {
    if (error instanceof MqttConnectError)
      console.error(error.failure) // 'not-authorized'
    else throw error
  }
  // #endregion errors
}

export async function timeouts(client: Client) {
  // #region timeout
  // every call takes `timeout` (default: the client's, 10 s) and `signal`
  try {
    await client.publish('jobs/new', 'payload', { qos: 1, timeout: 5_000 })
  } catch (error) {
    if (error instanceof MqttTimeoutError) console.error('no PUBACK within', error.timeout, 'ms')
    else if (error instanceof MqttCodeError) console.error('refused:', error.reasonName)
    else throw error
  }
  // #endregion timeout
}

export async function offline(client: Client) {
  // #region offline
  // broker gone: rejects with MqttConnectionLostError; with `reconnect` on it waits for the
  // reconnection, never longer than its timeout
  try {
    await client.publish('alerts', 'disk full', { qos: 1 })
  } catch (error) {
    if (error instanceof MqttConnectionLostError) console.error('not sent:', error.message)
    else throw error
  }
  // #endregion offline
}

export async function close(client: Client) {
  // #region close
  await client.close() // waits for in-flight QoS 1/2 (bounded), sends DISCONNECT; never rejects
  // #endregion close
}

declare function store(value: unknown): Promise<void>
