/**
 * A worker thread that runs one contender (see isolation.ts): rebuilds the group's contenders from
 * its recipe, on a broker of its own making, and runs the named one whenever asked.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { IsolationContext, Recipe, RunReply } from './isolation.js'
import { rebuildContender } from './rebuild-contender.js'

const { recipe, context, name } = workerData as { recipe: Recipe; context: IsolationContext; name: string }
const port = parentPort
if (port === null) throw new Error('isolated-contender.ts runs in a worker thread')

const { contender } = await rebuildContender(recipe, context, name)

port.on('message', async (size: number) => {
  let reply: RunReply
  try {
    reply = { sample: await contender.run(size) }
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) }
  }
  port.postMessage(reply)
})
