/**
 * Beyond the seed: named wildcards — `sensors/+room/temperature`.
 *
 * `client.subscribe()` and `client.messages()` take a filter whose wildcards carry names: the
 * names are stripped on the wire (the broker sees `sensors/+/temperature`) and each message carries
 * what they matched in `message.params`, typed from the filter (`params.room` is a `string`).
 * The Hono lifespan's `handle()` (and the Fastify plugin's) takes the same filters.
 * @module
 */
import { Client } from '@await-mqtt/core'
import { createMqttLifespan } from '@await-mqtt/hono'
import { deferred } from './support/abort.js'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

export async function main({ url, log, prefix = 'demo' }: ExampleContext): Promise<void> {
  await using client = await Client.connect(url)
  const rooms = ['kitchen', 'hall']

  // Core: the subscription gives message.params.room.
  await using temperatures = await client.subscribe(`${prefix}/sensors/+room/temperature`, { qos: 1 })
  log(`subscribed to ${temperatures.filters[0]?.slice(prefix.length + 1)}`)

  // Hono: a handler started with the lifespan, its params typed the same way.
  await using lifespan = createMqttLifespan(url)
  const handled = deferred()
  let count = 0
  lifespan.handle(`${prefix}/sensors/+room/#reading`, (message, { params }) => {
    log(`hono handler: ${params.room} ${params.reading.join('/')} = ${message.text()}`)
    if (++count === rooms.length) handled.resolve()
  })
  await lifespan.start()

  for (const [index, room] of rooms.entries()) {
    await client.publish(`${prefix}/sensors/${room}/temperature`, 20 + index, { qos: 1 })
  }
  for (let i = 0; i < rooms.length; i++) {
    const message = await temperatures.read({ timeout: 5_000 })
    log(`core subscription: ${message?.params.room} = ${message?.text()} °C`)
  }
  await handled.promise
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
