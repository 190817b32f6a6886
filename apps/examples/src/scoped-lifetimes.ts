/**
 * Seed: "Why can't I connect/disconnect manually?"
 *
 * There is no half-made client: `Client.connect` resolves with a connected one, and a scope ends
 * it. Three ways to scope it, from best to last resort. `close()` is idempotent and waits for
 * calls in flight; a call after it rejects with `MqttClientClosedError` instead of hanging.
 * @module
 */
import { Client, MqttClientClosedError, withClient } from '@await-mqtt/core'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

export async function main({ url, log, prefix = 'demo' }: ExampleContext): Promise<void> {
  const topic = `${prefix}/measurements/humidity`

  // 1. `await using`: closed when the block ends, however it ends (return, throw, break).
  {
    await using client = await Client.connect(url)
    await client.publish(topic, 0.38)
    log(`await using: connected (${client.connected}), published`)
  }

  // 2. `withClient`: the same as a function, for code that cannot use `await using`.
  const clientId = await withClient(url, async (client) => {
    await client.publish(topic, 0.39)
    return client.clientId
  })
  log(`withClient: ${clientId} published, then was closed`)

  // 3. try/finally with `close()`: everything by hand.
  const client = await Client.connect(url)
  try {
    const publishing = client.publish(topic, 0.4, { qos: 1 })
    await client.close() // waits (bounded by its timeout) for the QoS 1 publish in flight
    await publishing
    log(`close(): the publish in flight completed first; closed (${client.closed})`)
    await client.publish(topic, 0.41).catch((error: unknown) => {
      if (!(error instanceof MqttClientClosedError)) throw error
      log(`publish after close(): rejected with ${error.name}`)
    })
  } finally {
    await client.close() // idempotent: a second close() is fine
  }
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
