/**
 * Beyond the seed: reads that give up — "wait at most 200 ms for the next reading".
 *
 * `stream.read({ timeout, signal })` rejects with `MqttTimeoutError` when nothing came in time,
 * and takes nothing: the reading that arrives later goes to the next read. A signal given to
 * `messages()` (or `subscribe()`) ends a `for await` loop cleanly when it aborts.
 * @module
 */
import { Client, MqttTimeoutError } from '@await-mqtt/core'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

export async function main({ url, log, prefix = 'demo' }: ExampleContext): Promise<void> {
  await using client = await Client.connect(url)
  const topic = `${prefix}/readings/temperature`
  await using readings = client.messages(topic)
  await client.subscribe(topic, { qos: 1 })

  // Nothing was published yet: the read gives up after 200 ms.
  try {
    await readings.read({ timeout: 200 })
  } catch (error) {
    if (!(error instanceof MqttTimeoutError)) throw error
    log(`no reading within ${error.timeout} ms (MqttTimeoutError)`)
  }
  // The reading that comes later is not lost: the next read gets it.
  await client.publish(topic, '21.5', { qos: 1 })
  const reading = await readings.read({ timeout: 5_000 })
  log(`next read: ${reading?.text()} °C`)

  // A loop that ends when its signal aborts: here after three readings.
  const stop = new AbortController()
  const loop = client.messages(topic, { signal: stop.signal })
  for (const celsius of [22, 23, 24]) await client.publish(topic, celsius, { qos: 1 })
  let count = 0
  for await (const message of loop) {
    log(`loop: ${message.text()} °C`)
    if (++count === 3) stop.abort() // the loop ends at its next step, cleanly
  }
  log('loop ended by its signal')
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
