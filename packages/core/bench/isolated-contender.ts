/**
 * A worker thread that runs one contender (see isolation.ts): rebuilds the group's contenders from
 * its recipe, on a broker of its own making, and runs the named one whenever asked.
 */
import { pathToFileURL } from 'node:url'
import { parentPort, workerData } from 'node:worker_threads'
import type { BenchBroker } from './broker.js'
import { connectMqttJs, useCore } from './clients.js'
import type { IsolationContext, Recipe, RunReply } from './isolation.js'
import { LineFiles } from './limit.js'
import type { Contender } from './measure.js'

const { recipe, context, name } = workerData as { recipe: Recipe; context: IsolationContext; name: string }
const port = parentPort
if (port === null) throw new Error('isolated-contender.ts runs in a worker thread')

useCore(
  context.coreFile === undefined
    ? await import('@await-mqtt/core')
    : await import(pathToFileURL(context.coreFile).href),
)
const broker: BenchBroker = {
  ...context.broker,
  name: context.broker.name as BenchBroker['name'],
  lines: new LineFiles(context.broker.linesDir),
  helper: await connectMqttJs(context.broker.url),
  publisherStartup: () => Promise.resolve(0),
}
const factory = (await import(recipe.module))[recipe.factory] as (
  broker: BenchBroker,
  ...args: unknown[]
) => Contender[]
const contender = factory(broker, ...recipe.args).find((candidate) => candidate.name === name)
if (contender === undefined) throw new Error(`${recipe.factory} builds no contender named ${name}`)

port.on('message', async (size: number) => {
  let reply: RunReply
  try {
    reply = { sample: await contender.run(size) }
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) }
  }
  port.postMessage(reply)
})
