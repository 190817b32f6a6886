import { Client, type PayloadInput } from '@await-mqtt/core'

export async function payloads(client: Client) {
  // #region payloads
  await client.publish('measurements/humidity', 0.38) // numbers and booleans are sent as text: "0.38"
  await client.publish('greetings', 'hello') // strings as UTF-8
  await client.publish('firmware/chunk', new Uint8Array([0xca, 0xfe])) // bytes as they are (Buffer too)
  await client.publish('measurements/humidity', JSON.stringify({ value: 0.38, unit: '%' }))
  await client.publish('devices/17/config', null, { retain: true }) // empty payload: clears the retained message
  // #endregion payloads
}

export async function qualityOfService(client: Client) {
  // #region qos
  await client.publish('alerts/fire', 'kitchen', { qos: 1 }) // resolves on PUBACK
  await client.publish('billing/charge', '42.00', { qos: 2 }) // resolves on PUBCOMP: exactly once
  await client.publish('status/meter-17', 'online', { qos: 1, retain: true }) // new subscribers get it at once
  // #endregion qos
}

export async function concurrently(client: Client, readings: Map<string, PayloadInput>) {
  // #region concurrent
  // Calls run concurrently; each promise settles with its own handshake.
  await Promise.all(
    [...readings].map(([topic, value]) => client.publish(`measurements/${topic}`, value, { qos: 1 })),
  )
  // #endregion concurrent
}

export async function properties(client: Client) {
  // #region properties
  await client.publish('rpc/thermostat/set', JSON.stringify({ celsius: 21 }), {
    qos: 1,
    properties: {
      contentType: 'application/json',
      payloadFormatIndicator: true,
      messageExpiryInterval: 60, // seconds the broker keeps it for subscribers not yet served
      responseTopic: 'rpc/replies/meter-17',
      correlationData: new TextEncoder().encode('request-1'),
      userProperties: { source: 'docs', tags: ['a', 'b'] },
    },
  })
  // #endregion properties
}

export async function cancelling(client: Client) {
  // #region cancel
  await client.publish('measurements/humidity', 0.38, { qos: 1, timeout: 2_000 }) // MqttTimeoutError after 2 s
  const controller = new AbortController()
  const pending = client.publish('measurements/humidity', 0.38, { qos: 1, signal: controller.signal })
  controller.abort(new Error('shutting down')) // pending rejects with this reason
  await pending.catch((error: unknown) => console.log((error as Error).message)) // 'shutting down'
  // #endregion cancel
}

export async function topicAliases(client: Client, url: string) {
  // #region topic-aliases
  // MQTT 5: the first publish sets alias 1 for the topic, the next ones send the alias alone.
  await client.publish('factory/line-4/press-2/temperature', 81.5, { properties: { topicAlias: 1 } })
  await client.publish('', 81.7, { properties: { topicAlias: 1 } })
  // Or let the client give repeated topics aliases, within the broker's Topic Alias Maximum:
  await using auto = await Client.connect(url, { topicAliases: 'auto' })
  for (const value of [81.5, 81.7, 81.9]) await auto.publish('factory/line-4/press-2/temperature', value)
  // #endregion topic-aliases
}
