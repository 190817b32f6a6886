/**
 * Seed: "Sharing the connection".
 *
 * One connection for the whole program: pass the `Client` to every function that needs it.
 * Here two publishers and a listener share it, concurrently.
 * @module
 */
import { Client, type Subscription } from '@await-mqtt/core'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

async function publishHumidity(client: Client, prefix: string): Promise<void> {
  await client.publish(`${prefix}/measurements/humidity`, 0.38, { qos: 1 })
}

async function publishTemperature(client: Client, prefix: string): Promise<void> {
  await client.publish(`${prefix}/measurements/temperature`, 28.3, { qos: 1 })
}

/** Prints the first `count` messages of a subscription made on the shared client. */
async function printMessages(subscription: Subscription, count: number, log: (line: string) => void) {
  let received = 0
  for await (const message of subscription) {
    log(`listener got ${message.topic.value} = ${message.text()}`)
    if (++received === count) return
  }
}

export async function main({ url, log, prefix = 'demo' }: ExampleContext): Promise<void> {
  await using client = await Client.connect(url)
  log(`one connection, client id ${client.clientId}`)
  await using subscription = await client.subscribe(`${prefix}/measurements/#`)
  const listening = printMessages(subscription, 2, log)

  await Promise.all([publishHumidity(client, prefix), publishTemperature(client, prefix)])
  log('published humidity and temperature on that same connection')
  await listening
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
