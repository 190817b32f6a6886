/**
 * Seed: "Reconnecting" — the opt-in `reconnect` option.
 *
 * With `reconnect`, one client outlives lost connections: it reconnects with exponential backoff,
 * renews its subscriptions and resends unacknowledged QoS 1/2 publishes; its streams stay open and
 * calls made meanwhile wait for the connection. `client.events()` tells what happens, as an async
 * iterable. The demo cuts the connection twice (`broker.dropConnections()`, or a relay in front of
 * any other broker).
 * @module
 */
import { Client, type ConnectionEvent, withClient } from '@await-mqtt/core'
import { onAbort } from './support/abort.js'
import type { ExampleContext } from './support/context.js'
import { startFlakyLink } from './support/flaky-link.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

function describe(event: ConnectionEvent): string {
  switch (event.type) {
    case 'disconnected':
      return `disconnected: ${event.cause.message}${event.willReconnect ? '' : ' (for good)'}`
    case 'reconnecting':
      return `reconnecting: attempt ${event.attempt} in ${event.delay} ms`
    case 'connected':
      return `connected again${event.sessionPresent ? ' (the broker kept the session)' : ', subscriptions renewed'}`
    case 'closed':
      return 'closed'
  }
}

export async function main({ url, log, signal, forever = false, prefix = 'demo', broker }: ExampleContext) {
  // Demo only: something whose connections can be cut, and a sensor publishing readings.
  await using relay = broker ? undefined : await startFlakyLink(url)
  const network = broker ?? relay
  let reading = 0
  const publishReading = () =>
    withClient(url, (sensor) =>
      sensor.publish(`${prefix}/measurements/humidity`, (38 + reading++) / 100, { qos: 1 }),
    )

  await using client = await Client.connect(relay?.url ?? url, {
    reconnect: { minDelay: 100, maxDelay: 2_000, jitter: 0 }, // or `reconnect: true` for the defaults
  })
  await using messages = client.messages(`${prefix}/measurements/humidity`)
  await client.subscribe(`${prefix}/measurements/#`, { qos: 1 })
  using _ = onAbort(signal, () => messages.close())
  log(`connected as ${client.clientId}: one client and one stream for the whole demo`)

  // The connection's story, without callbacks. Demo only: the sensor publishes again once we are back.
  const events = client.events()
  const following = (async () => {
    for await (const event of events) {
      log(`event: ${describe(event)}`)
      if (event.type === 'connected' && !forever) await publishReading()
    }
  })()

  await publishReading()
  let received = 0
  for await (const message of messages) {
    log(`humidity ${message.text()} (client.state: ${client.state})`)
    if (forever) continue
    if (++received === 3) break
    network?.dropConnections() // demo only: the network fails
    // A call made while the connection is down waits for it instead of failing.
    await client.publish(`${prefix}/status`, 'still here', { qos: 1 })
    log('a QoS 1 publish made during the outage completed, once the broker was back')
  }
  events.close()
  await following
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
