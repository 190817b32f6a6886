/**
 * Seed: "Publisher" (the second example of the asyncio-mqtt README).
 *
 * `publish` resolves when the QoS handshake is done: QoS 0 once the packet is handed to the socket,
 * QoS 1 on PUBACK, QoS 2 on PUBCOMP. Failures are thrown (`MqttError`), never returned.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Client } from '@await-mqtt/core'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

export async function main({
  url,
  log,
  signal,
  forever = false,
  prefix = 'demo',
}: ExampleContext): Promise<void> {
  await using client = await Client.connect(url)
  const topic = `${prefix}/measurements/humidity`

  await client.publish(topic, 0.38)
  log(`published 0.38 to ${topic} (QoS 0: handed to the socket)`)
  await client.publish(topic, 0.39, { qos: 1 })
  log(`published 0.39 to ${topic} (QoS 1: the broker acknowledged it)`)
  await client.publish(topic, 0.4, { qos: 2 })
  log(`published 0.4 to ${topic} (QoS 2: delivered exactly once)`)

  // --forever: one reading a second until Ctrl-C.
  for (let humidity = 0.41; forever && !signal?.aborted; humidity += 0.01) {
    await sleep(1000, undefined, { signal }).catch(() => {})
    if (signal?.aborted) break
    await client.publish(topic, Number(humidity.toFixed(2)))
    log(`published ${humidity.toFixed(2)} to ${topic}`)
  }
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
