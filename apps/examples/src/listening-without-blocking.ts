/**
 * Seed: "Listening without blocking".
 *
 * Calling an async function without awaiting it is asyncio's `create_task`: the listener runs in
 * the background while the rest of the program goes on (a web framework serving requests, say).
 * An `AbortSignal` stops it; awaiting its promise then waits for it to finish cleanly.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Client, withClient } from '@await-mqtt/core'
import { deferred, onAbort } from './support/abort.js'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

interface ListenOptions {
  /** Stops the listener. */
  signal: AbortSignal
  /** Where the listener keeps the latest payload of each topic. */
  latest: Map<string, string>
  log: (line: string) => void
  /** Demo only: told once the subscription is in place. */
  subscribed?: () => void
}

/** The seed's `listen()`: its own client, until `signal` aborts. */
async function listen(url: string, filter: string, { signal, latest, log, subscribed }: ListenOptions) {
  await using client = await Client.connect(url)
  await using messages = client.messages()
  await client.subscribe(filter)
  using _ = onAbort(signal, () => messages.close())
  subscribed?.()
  for await (const message of messages) {
    log(`listener: ${message.topic.value} = ${message.text()}`)
    latest.set(message.topic.levels.at(-1) ?? '', message.text())
  }
  log('listener: stopped')
}

export async function main({
  url,
  log,
  signal,
  forever = false,
  prefix = 'demo',
}: ExampleContext): Promise<void> {
  const stop = new AbortController()
  const latest = new Map<string, string>()
  const subscribed = deferred()
  const listenerSignal = signal ? AbortSignal.any([stop.signal, signal]) : stop.signal
  // Not awaited: the listener runs in the background.
  const listener = listen(url, `${prefix}/measurements/#`, {
    signal: listenerSignal,
    latest,
    log,
    subscribed: subscribed.resolve,
  })
  log('Magic! This runs while the listener is still connecting.')

  // Other work goes on meanwhile. Here: a sensor publishes, and we read what the listener kept.
  await Promise.race([subscribed.promise, listener])
  await withClient(url, async (sensor) => {
    await sensor.publish(`${prefix}/measurements/humidity`, 0.38, { qos: 1 })
    await sensor.publish(`${prefix}/measurements/temperature`, 28.3, { qos: 1 })
  })
  for (let wait = 0; latest.size < 2 && wait < 500 && !listenerSignal.aborted; wait++) await sleep(10)
  log(
    `other work read the latest values: humidity ${latest.get('humidity')}, temperature ${latest.get('temperature')}`,
  )

  // Stop the listener (a web server would do this on shutdown), then wait for it to end.
  if (!forever) stop.abort()
  await listener
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
