import { type Client, MqttConnectError } from '@await-mqtt/core'
import { uniqueTopic } from '@await-mqtt/test-utils'
import { expect } from 'vitest'

/** Subscribes to a fresh topic, publishes `text` at QoS 1 and returns what came back. */
export async function roundTrip(client: Client, text: string): Promise<string> {
  const topic = uniqueTopic('round-trip')
  await using messages = client.messages(topic)
  await client.subscribe(topic, { qos: 1 })
  await client.publish(topic, text, { qos: 1 })
  for await (const message of messages) return message.text()
  throw new Error('the stream ended')
}

/** The MqttConnectError a connection attempt fails with; fails the test if it connects. */
export async function connectError(attempt: Promise<Client>): Promise<MqttConnectError> {
  const error = await attempt.then(
    async (client) => {
      await client.close()
      throw new Error('expected the connection to fail')
    },
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(MqttConnectError)
  return error as MqttConnectError
}
