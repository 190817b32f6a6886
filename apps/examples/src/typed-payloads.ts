/**
 * Beyond the seed: typed payloads.
 *
 * A stream given a Standard Schema (zod here; valibot, arktype... work the same) yields
 * `{ data, message }` with `data` typed from the schema. A payload the schema refuses, or one that
 * is not JSON, rejects that read with `MqttPayloadValidationError` naming the topic and the issue;
 * the stream goes on, so the loop starts again. (`invalid: 'skip'` leaves such messages out.)
 * @module
 */
import { Client, MqttPayloadValidationError, withClient } from '@await-mqtt/core'
import { z } from 'zod'
import { onAbort } from './support/abort.js'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

/** What a temperature sensor publishes. `unit` may be left out. */
const Reading = z.object({ celsius: z.number(), unit: z.enum(['C', 'F']).default('C') })

export async function main({
  url,
  log,
  signal,
  forever = false,
  prefix = 'demo',
}: ExampleContext): Promise<void> {
  await using client = await Client.connect(url)
  await using readings = client.messages(`${prefix}/sensors/+/temperature`, { schema: Reading })
  await client.subscribe(`${prefix}/sensors/+/temperature`, { qos: 1 })

  // Demo only: sensors elsewhere publish two good readings, a wrong one and one that is not JSON.
  await withClient(url, async (sensors) => {
    await sensors.publish(`${prefix}/sensors/kitchen/temperature`, '{"celsius":21.5}', { qos: 1 })
    await sensors.publish(`${prefix}/sensors/hall/temperature`, '{"celsius":"warm"}', { qos: 1 })
    await sensors.publish(`${prefix}/sensors/cellar/temperature`, 'twelve degrees', { qos: 1 })
    await sensors.publish(`${prefix}/sensors/attic/temperature`, '{"celsius":30,"unit":"C"}', { qos: 1 })
  })

  using _ = onAbort(signal, () => readings.close())
  let good = 0
  let bad = 0
  while (forever || good + bad < 4) {
    try {
      for await (const { data, message } of readings) {
        // `data` is { celsius: number; unit: 'C' | 'F' }: checked, not cast.
        log(`${message.topic.levels.at(-2)}: ${data.celsius} °${data.unit}`)
        if (++good + bad === 4 && !forever) break
      }
      break // done, or the stream ended (Ctrl-C)
    } catch (error) {
      // One payload was refused: say which and why, then read on (the stream is still open).
      if (!(error instanceof MqttPayloadValidationError)) throw error
      bad++
      log(`refused: ${error.message.replace(`${prefix}/`, '')}`)
    }
  }
  log(`${good} readings, ${bad} refused; the stream went on after each`)
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
