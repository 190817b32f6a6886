/**
 * Seed: "Reconnecting" — the user loop.
 *
 * By default a lost connection ends every stream with `MqttConnectionLostError` (an `MqttError`):
 * run the session in a loop, catch `MqttError`, wait, and connect again. The demo cuts the
 * connection after each of the first two readings (`broker.dropConnections()` on the embedded
 * broker, or a relay it can cut in front of any other broker).
 *
 * The session is a function of its own rather than the loop's body: esbuild (tsx, vite) lowers
 * `await using` inside a loop with function-scoped variables, so an error from one iteration can
 * resurface when a later iteration returns. A function per session sidesteps that, and reads well.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Client, MqttError, withClient } from '@await-mqtt/core'
import { onAbort } from './support/abort.js'
import type { ExampleContext } from './support/context.js'
import { startFlakyLink } from './support/flaky-link.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

interface SessionOptions extends Required<Pick<ExampleContext, 'log' | 'prefix' | 'forever'>> {
  signal: AbortSignal | undefined
  /** Demo only: publishes a reading once we listen, and cuts the network after it (or not). */
  demo: { publishReading(): Promise<void>; afterReading(): 'cut' | 'stop' | 'go-on' }
}

/** One session, as in the seed: connect, subscribe, print. A lost connection throws MqttError. */
async function listen(url: string, { log, prefix, signal, demo }: SessionOptions): Promise<void> {
  await using client = await Client.connect(url)
  await using messages = client.messages(`${prefix}/measurements/humidity`)
  await client.subscribe(`${prefix}/measurements/#`)
  using _ = onAbort(signal, () => messages.close())
  log(`connected as ${client.clientId}, listening`)
  await demo.publishReading()
  for await (const message of messages) {
    log(`humidity ${message.text()}`)
    if (demo.afterReading() === 'stop') return
  }
}

export async function main({ url, log, signal, forever = false, prefix = 'demo', broker }: ExampleContext) {
  // Demo only: something whose connections can be cut, and a sensor publishing readings.
  await using relay = broker ? undefined : await startFlakyLink(url)
  const network = broker ?? relay
  let readings = 0
  const demo: SessionOptions['demo'] = {
    publishReading: () =>
      withClient(url, (sensor) => sensor.publish(`${prefix}/measurements/humidity`, (38 + readings) / 100)),
    afterReading() {
      if (forever) return 'go-on'
      if (++readings > 2) return 'stop'
      network?.dropConnections()
      return 'cut'
    },
  }

  const reconnectInterval = 200 // ms; a few seconds in real life
  while (!signal?.aborted) {
    try {
      await listen(relay?.url ?? url, { log, prefix, forever, signal, demo })
      return
    } catch (error) {
      if (!(error instanceof MqttError)) throw error
      log(`Error "${error.message}". Reconnecting in ${reconnectInterval} ms.`)
      await sleep(reconnectInterval, undefined, { signal }).catch(() => {})
    }
  }
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
