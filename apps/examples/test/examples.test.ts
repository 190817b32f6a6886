import {
  type MosquittoBroker,
  microsocksAvailable,
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { examples } from '../src/examples.js'
import { checks } from './support/checks.js'
import { runExample, watch } from './support/run-example.js'

const names = examples.map((example) => example.name)

it('has a check for every example, and an example for every check', () => {
  expect(Object.keys(checks).sort()).toEqual([...names].sort())
})

describe('every example on the embedded aedes (what `npm run demo` does)', () => {
  it.each(names)('%s', async (name) => {
    await using broker = await startAedes({ websocket: false })
    const prefix = uniqueTopic('examples')
    const lines = await (async () => {
      await using watcher = await watch(broker.url, prefix)
      const printed = await runExample(name, { url: broker.url, prefix, broker })
      return { printed, seen: watcher.seen }
    })()
    checks[name]?.(lines.printed, {
      prefix,
      authority: `${broker.host}:${broker.port}`,
      mqtt5: false,
      microsocks: microsocksAvailable(),
      seen: lines.seen,
    })
  })
})

describe.skipIf(!mosquittoAvailable())(
  `every example on mosquitto, as with MQTT_URL (no broker control) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    let mosquitto: MosquittoBroker
    beforeAll(async () => {
      mosquitto = await startMosquitto({ websocket: false })
    })
    afterAll(() => mosquitto?.close())

    it.each(names)('%s', async (name) => {
      const prefix = uniqueTopic('examples')
      const lines = await (async () => {
        await using watcher = await watch(mosquitto.url, prefix)
        const printed = await runExample(name, { url: mosquitto.url, prefix })
        return { printed, seen: watcher.seen }
      })()
      checks[name]?.(lines.printed, {
        prefix,
        authority: `${mosquitto.host}:${mosquitto.port}`,
        mqtt5: true,
        microsocks: microsocksAvailable(),
        seen: lines.seen,
      })
    })
  },
)
