import { Client, type Message, type MessageStream } from '@await-mqtt/core'

export async function subscription(client: Client) {
  // #region subscription
  await using temperatures = await client.subscribe('sensors/+/temperature', { qos: 1 })
  console.log(temperatures.granted) // [{ filter: 'sensors/+/temperature', qos: 1, reasonCode: 1 }]
  for await (const message of temperatures) {
    console.log(message.topic.levels[1], message.json<{ celsius: number }>().celsius)
    if (message.retain) continue // a retained value, sent because we just subscribed
  }
  // leaving the scope unsubscribes (unless another subscription still holds the filter)
  // #endregion subscription
}

export async function several(client: Client) {
  // #region several
  const subscription = await client.subscribe(['sensors/+/temperature', 'sensors/+/humidity'])
  for await (const message of subscription) {
    if (message.topic.matches('sensors/+/humidity')) console.log('humidity', message.text())
    else console.log('temperature', message.text())
  }
  await subscription.unsubscribe()
  // #endregion several
}

// #region streams
async function print(messages: MessageStream, label: string) {
  for await (const message of messages) console.log(`[${label}] ${message.topic.value}: ${message.text()}`)
}

export async function main() {
  await using client = await Client.connect('mqtt://localhost')
  // Create the streams first: they buffer from now on, so no retained message is missed.
  await using humidity = client.messages('measurements/humidity')
  await using temperature = client.messages('measurements/temperature')
  await using others = client.messages() // whatever matches no filtered stream
  await client.subscribe('measurements/#')
  // Every loop ends when the client closes; the first error (e.g. connection lost) rejects this.
  await Promise.all([print(humidity, 'humidity'), print(temperature, 'temperature'), print(others, 'other')])
}
// #endregion streams

export async function bounded(client: Client) {
  // #region bounded
  await using latest = client.messages('dashboards/#', { maxQueued: 100, overflow: 'drop-oldest' })
  await using jobs = await client.subscribe('jobs/#', { qos: 1, maxQueued: 1_000, overflow: 'error' })
  console.log(latest.queued, latest.dropped) // waiting now, dropped so far
  // #endregion bounded
  return jobs
}

// #region background
async function listen(client: Client, onMessage: (message: Message) => void) {
  await using messages = client.messages()
  await client.subscribe('measurements/#')
  for await (const message of messages) onMessage(message)
}

export async function background() {
  await using client = await Client.connect('mqtt://localhost')
  const listening = listen(client, (message) => console.log(message.text())) // not awaited yet
  console.log('Magic!') // this runs while messages arrive
  await listening // a web framework would keep running instead
}
// #endregion background

export async function stopping(client: Client) {
  // #region stop
  const messages = client.messages('measurements/#')
  setTimeout(() => messages.close(), 10_000) // or: break out of the loop
  for await (const message of messages) console.log(message.text())
  console.log('the stream was closed: the loop ended')
  // #endregion stop
}
