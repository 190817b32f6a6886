/**
 * Seed: "Topic filters".
 *
 * One stream per filter plus an unfiltered stream for everything no filter matched, each handled
 * by its own concurrent task. The streams exist before `subscribe()`, so no retained message is
 * missed. Closing the client ends every stream, and with them the tasks.
 * @module
 */
import { Client, type MessageStream, withClient } from '@await-mqtt/core'
import { deferred, onAbort } from './support/abort.js'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

/** The seed's `print_messages`: one task per stream, until the stream ends. */
async function printMessages(
  messages: MessageStream,
  label: string,
  log: (line: string) => void,
  seen: () => void,
) {
  for await (const message of messages) {
    log(`[${label}] ${message.topic.value} = ${message.text()}`)
    seen()
  }
}

export async function main({
  url,
  log,
  signal,
  forever = false,
  prefix = 'demo',
}: ExampleContext): Promise<void> {
  await using client = await Client.connect(url)

  // You can create any number of filtered streams; 👉 try more complex filters (`+/humidity`, ...).
  const topicFilters = [`${prefix}/measurements/humidity`, `${prefix}/measurements/temperature`]
  const expected = 4 // demo only: end once the four readings below were printed
  const done = deferred()
  let printed = 0
  const seen = () => {
    if (++printed === expected) done.resolve()
  }
  const tasks = topicFilters.map((filter) =>
    printMessages(client.messages(filter), `filter="${filter.slice(prefix.length + 1)}"`, log, seen),
  )
  // Messages no filtered stream matched.
  tasks.push(printMessages(client.messages(), 'unfiltered', log, seen))

  // 🤔 Subscribe *after* creating the streams, or retained messages may be missed.
  await client.subscribe(`${prefix}/measurements/#`)

  // Demo only: a sensor elsewhere publishes one reading per topic, and one nobody filters for.
  await withClient(url, async (sensor) => {
    await sensor.publish(`${prefix}/measurements/humidity`, 0.38, { qos: 1 })
    await sensor.publish(`${prefix}/measurements/temperature`, 28.3, { qos: 1 })
    await sensor.publish(`${prefix}/measurements/pressure`, 1013, { qos: 1 })
    await sensor.publish(`${prefix}/measurements/humidity`, 0.39, { qos: 1 })
  })

  // Wait for every task (the seed's `gather`): they end when the client closes — here once the
  // readings are in, or on Ctrl-C with --forever. A lost connection ends them with MqttError.
  using _ = onAbort(signal, () => void client.close())
  if (!forever) void done.promise.then(() => client.close())
  await Promise.all(tasks)
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
