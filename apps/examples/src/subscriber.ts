/**
 * Seed: "Subscriber" (the first example of the asyncio-mqtt README).
 *
 * Create the message stream first, then subscribe: the stream buffers from the moment it exists,
 * so nothing (retained messages included) slips past before the loop starts.
 * @module
 */
import { Client, withClient } from '@await-mqtt/core'
import { onAbort } from './support/abort.js'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

/** Demo only: a sensor elsewhere publishes three humidity readings. */
async function sensor(url: string, topic: string): Promise<void> {
  await withClient(url, async (client) => {
    for (const humidity of [0.38, 0.41, 0.44]) await client.publish(topic, humidity, { qos: 1 })
  })
}

export async function main({
  url,
  log,
  signal,
  forever = false,
  prefix = 'demo',
}: ExampleContext): Promise<void> {
  await using client = await Client.connect(url)
  await using messages = client.messages()
  await client.subscribe(`${prefix}/measurements/#`)
  using _ = onAbort(signal, () => messages.close())
  log(`subscribed to ${prefix}/measurements/#`)

  const publishing = sensor(url, `${prefix}/measurements/humidity`)
  let received = 0
  for await (const message of messages) {
    log(`${message.topic.value}: ${message.text()}`)
    if (++received === 3 && !forever) break
    if (received === 3) log(`listening until Ctrl-C (publish to ${prefix}/measurements/… to see more)`)
  }
  await publishing
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
