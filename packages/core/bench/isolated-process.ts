/**
 * A child process that runs one contender once (see `isolateInProcesses` in isolation.ts): rebuilds
 * it from its group's recipe, runs it at the size asked, prints the reply as one JSON line on stdout
 * and exits. Its argument is `{ recipe, context, name, size }` as JSON.
 */
import type { IsolationContext, Recipe, RunReply } from './isolation.js'
import { rebuildContender } from './rebuild-contender.js'

const { recipe, context, name, size } = JSON.parse(process.argv[2] ?? '{}') as {
  recipe: Recipe
  context: IsolationContext
  name: string
  size: number
}

let reply: RunReply
try {
  const { contender, close } = await rebuildContender(recipe, context, name)
  try {
    reply = { sample: await contender.run(size) }
  } finally {
    await close()
  }
} catch (error) {
  reply = { error: error instanceof Error ? error.message : String(error) }
}
process.stdout.write(`${JSON.stringify(reply)}\n`)
// Whatever a library left behind (timers, sockets it failed to close) must not keep the run waiting.
process.exit(0)
