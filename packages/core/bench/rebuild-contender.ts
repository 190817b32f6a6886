/**
 * What a worker thread (isolated-contender.ts) and a child process (isolated-process.ts) both do
 * first: load the build of await-mqtt the runner measures, connect to the runner's broker, and
 * rebuild the one contender they run from its group's recipe.
 */
import { pathToFileURL } from 'node:url'
import type * as Core from '@await-mqtt/core'
import type { BenchBroker } from './broker.js'
import { connectMqttJs, endMqttJs, useCore } from './clients.js'
import type { IsolationContext, Recipe } from './isolation.js'
import { LineFiles } from './limit.js'
import type { Contender } from './measure.js'

/** The same build of await-mqtt as the runner's: its esbuild bundle, or (`--source`) the source through tsx. */
export async function importCore(coreFile: string | undefined): Promise<typeof Core> {
  return coreFile === undefined
    ? await import('@await-mqtt/core')
    : ((await import(pathToFileURL(coreFile).href)) as typeof Core)
}

/** The named contender of `recipe`, on the runner's broker; `close()` ends the helper client. */
export async function rebuildContender(
  recipe: Recipe,
  context: IsolationContext,
  name: string,
): Promise<{ contender: Contender; close(): Promise<void> }> {
  useCore(await importCore(context.coreFile))
  const helper = await connectMqttJs(context.broker.url)
  const broker: BenchBroker = {
    ...context.broker,
    name: context.broker.name as BenchBroker['name'],
    lines: new LineFiles(context.broker.linesDir),
    helper,
    publisherStartup: () => Promise.resolve(0),
  }
  const factory = (await import(recipe.module))[recipe.factory] as (
    broker: BenchBroker,
    ...args: unknown[]
  ) => Contender[]
  const contender = factory(broker, ...recipe.args).find((candidate) => candidate.name === name)
  if (contender === undefined) {
    await endMqttJs(helper)
    throw new Error(`${recipe.factory} builds no contender named ${name}`)
  }
  return { contender, close: () => endMqttJs(helper) }
}
