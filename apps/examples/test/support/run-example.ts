import { Client } from '@await-mqtt/core'
import { examples } from '../../src/examples.js'
import type { ExampleContext } from '../../src/support/context.js'

/** Runs the example called `name` with `context`; resolves with the lines it printed. */
export async function runExample(name: string, context: Omit<ExampleContext, 'log'>): Promise<string[]> {
  const example = examples.find((candidate) => candidate.name === name)
  if (example === undefined) throw new Error(`no example called ${name}`)
  const lines: string[] = []
  await example.main({ ...context, log: (line) => lines.push(line) })
  return lines
}

/**
 * A client that records every message under `prefix` as `topic payload`. Disposing it first
 * publishes a marker and waits for it to come back, so what the broker had routed before is in.
 */
export async function watch(url: string, prefix: string) {
  const client = await Client.connect(url)
  const messages = client.messages()
  await client.subscribe(`${prefix}/#`, { qos: 2 })
  const marker = `${prefix}/watcher-marker`
  const seen: string[] = []
  let markerBack: () => void = () => {}
  const back = new Promise<void>((resolve) => {
    markerBack = resolve
  })
  const recording = (async () => {
    for await (const message of messages) {
      if (message.topic.value === marker) markerBack()
      else seen.push(`${message.topic.value} ${message.text()}`)
    }
  })().catch(() => {}) // the reconnecting example drops every connection, this one's too
  return {
    seen,
    async [Symbol.asyncDispose]() {
      if (client.connected) {
        await client.publish(marker, 'sync', { qos: 1 })
        await Promise.race([back, recording, new Promise((resolve) => setTimeout(resolve, 5000))])
      }
      await client.close()
      await recording
    },
  }
}
