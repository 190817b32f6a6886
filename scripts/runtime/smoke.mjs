// The core's smoke test on one runtime (Node, Bun or Deno), in plain JavaScript without `await using`
// so that every runtime parses it. runtime-matrix.mjs runs it against its aedes: MQTT_URL (TCP),
// MQTTS_URL (TLS) and MQTT_CA (the PEM file that signed the TLS listener).
import { readFileSync } from 'node:fs'
import { Client, MqttConnectError, withClient } from '@await-mqtt/core'

const { MQTT_URL: url, MQTTS_URL: tlsUrl, MQTT_CA: caFile } = process.env
const prefix = `runtime/${Math.random().toString(36).slice(2)}`
const passed = []

/** Subscribes, publishes at QoS 1 and returns the text that came back through the broker. */
async function roundTrip(client, topic, text) {
  const subscription = await client.subscribe(topic, { qos: 1 })
  try {
    await client.publish(topic, text, { qos: 1 })
    for await (const message of subscription) return message.text()
  } finally {
    await subscription[Symbol.asyncDispose]()
  }
}

function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: got ${actual}, expected ${expected}`)
}

// Round trip, and withClient as plain JavaScript's scope.
expectEqual(
  await withClient(url, (client) => roundTrip(client, `${prefix}/round-trip`, 'hello')),
  'hello',
  'round trip',
)
passed.push('round trip')

// Reconnect: a second connection with the same client id makes the broker drop the first (session
// takeover); the client comes back on its own and works again.
const clientId = `runtime-${Math.random().toString(36).slice(2)}`
const client = await Client.connect(url, { clientId, reconnect: { minDelay: 50, maxDelay: 200 } })
try {
  const events = client.events()[Symbol.asyncIterator]()
  const intruder = await Client.connect(url, { clientId })
  const seen = []
  while (!seen.includes('connected')) {
    const { value, done } = await events.next()
    if (done) throw new Error(`events ended after ${seen}`)
    seen.push(value.type)
    if (value.type === 'disconnected') await intruder.close()
  }
  await events.return?.()
  expectEqual(seen.slice(0, 2).join(), 'disconnected,reconnecting', 'events before connected')
  expectEqual(await roundTrip(client, `${prefix}/reconnect`, 'back'), 'back', 'round trip after reconnect')
} finally {
  await client.close()
}
passed.push('reconnect')

// TLS: verified against the CA, and refused without it.
const ca = readFileSync(caFile, 'utf8')
expectEqual(
  await withClient({ url: tlsUrl, tls: { ca } }, (c) => roundTrip(c, `${prefix}/tls`, 'tls')),
  'tls',
  'TLS',
)
const refused = await Client.connect(tlsUrl).then(
  async (unexpected) => {
    await unexpected.close()
    return undefined
  },
  (error) => error,
)
if (!(refused instanceof MqttConnectError) || refused.failure !== 'tls') {
  throw new Error(`an unknown CA connected or failed wrongly: ${refused}`)
}
passed.push('TLS')

console.log(`smoke: ${passed.join(', ')}`)
