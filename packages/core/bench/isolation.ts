import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Contender, Sample } from './measure.js'

/** How a worker rebuilds a group's contenders: `factory(broker, ...args)`, exported by `module`. */
export interface Recipe {
  /** The module's URL (a scenario's `import.meta.url`). */
  module: string
  factory: string
  /** Passed on by structured clone: plain data only. */
  args: unknown[]
}

/** The broker as a worker sees it (plain data; the worker connects its own helper). */
export interface BrokerInfo {
  name: string
  host: string
  port: number
  url: string
  /** Where the message files for mosquitto_pub live. */
  linesDir: string
}

/** What every worker needs: the broker, and which build of await-mqtt to load. */
export interface IsolationContext {
  broker: BrokerInfo
  /** The bundled core the main thread measures, or undefined for its source. */
  coreFile: string | undefined
}

/** What the worker sends back for one run. */
export type RunReply = { sample: Sample } | { error: string }

const workerEntry = new URL('./isolated-contender.ts', import.meta.url).href
const tsxApi = import.meta.resolve('tsx/esm/api')
// Worker threads do not inherit tsx's loader: the worker registers it, then loads its TypeScript entry.
const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerEntry)}) })`

/**
 * The contenders, each of those that run JavaScript clients moved to a worker thread of its own
 * (its own V8 isolate), kept for the group's rounds. In one isolate, clients of different libraries
 * share MQTT.js's and Node's stream code, whose JIT state the first one shapes and the others pay
 * for; alone in its isolate, each library runs the way it runs in an application. Contenders marked
 * `external` (mosquitto's C clients) stay here. `close()` ends the workers.
 */
export function isolate(
  contenders: readonly Contender[],
  recipe: Recipe,
  context: IsolationContext,
): { contenders: Contender[]; close(): Promise<void> } {
  const workers: Worker[] = []
  const moved = contenders.map((contender): Contender => {
    if (contender.external || contender.skip !== undefined) return contender
    let worker: Worker | undefined
    return {
      ...contender,
      run(size) {
        if (worker === undefined) {
          worker = new Worker(bootstrap, {
            eval: true,
            workerData: { recipe, context, name: contender.name },
          })
          workers.push(worker)
        }
        return ask(worker, size)
      },
    }
  })
  return {
    contenders: moved,
    close: async () => {
      await Promise.all(workers.map((worker) => worker.terminate()))
    },
  }
}

function ask(worker: Worker, size: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      worker.off('message', onMessage)
      reject(error)
    }
    const onMessage = (reply: RunReply) => {
      worker.off('error', onError)
      if ('sample' in reply) resolve(reply.sample)
      else reject(new Error(reply.error))
    }
    worker.once('message', onMessage)
    worker.once('error', onError)
    worker.postMessage(size)
  })
}

const processEntry = fileURLToPath(new URL('./isolated-process.ts', import.meta.url))
const packageRoot = fileURLToPath(new URL('..', import.meta.url))
/** How the runner itself runs: tsx and the source condition; and `gc` exposed, as the runner does at start. */
const processFlags = [
  '--expose-gc',
  '--conditions=@await-mqtt/source',
  '--import',
  import.meta.resolve('tsx'),
]

/**
 * The contenders, each run of each of those that run JavaScript clients moved to a child process of
 * its own (isolated-process.ts): a fresh Node process that loads the same build of await-mqtt,
 * runs the contender once and exits. For what a worker thread cannot isolate: the resident set is
 * the whole process's, and V8 and glibc keep the pages an earlier run freed, so in one process
 * whichever run comes next reuses them. Contenders marked `external` stay here.
 */
export function isolateInProcesses(
  contenders: readonly Contender[],
  recipe: Recipe,
  context: IsolationContext,
): Contender[] {
  return contenders.map((contender): Contender => {
    if (contender.external || contender.skip !== undefined) return contender
    return { ...contender, run: (size) => runInProcess({ recipe, context, name: contender.name, size }) }
  })
}

function runInProcess(job: {
  recipe: Recipe
  context: IsolationContext
  name: string
  size: number
}): Promise<Sample> {
  // stderr passes through: what the child warns about is the runner's to show.
  const child = spawn(process.execPath, [...processFlags, processEntry, JSON.stringify(job)], {
    cwd: packageRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stdout = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => {
      let reply: RunReply | undefined
      try {
        reply = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as RunReply
      } catch {
        reply = undefined
      }
      if (reply === undefined)
        reject(
          new Error(`${job.name}: its child process exited (code ${code}, signal ${signal}) without a reply`),
        )
      else if ('sample' in reply) resolve(reply.sample)
      else reject(new Error(reply.error))
    })
  })
}
