import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** A script of this package started the way its README says (`node --conditions… --import tsx`). */
export interface Script extends AsyncDisposable {
  readonly child: ChildProcess
  /** Everything it printed so far (stdout and stderr). */
  output(): string
  /** Resolves once it printed a line matching `pattern`; rejects if it exits first. */
  printed(pattern: RegExp): Promise<void>
  /** Resolves with its exit code. */
  exited: Promise<number | null>
}

/** Starts `node --conditions=@await-mqtt/source --import tsx <file> ...args` in apps/examples. */
export function startScript(file: string, args: string[] = [], env: Record<string, string> = {}): Script {
  const environment = { ...process.env, ...env }
  if (!('MQTT_URL' in env)) delete environment.MQTT_URL
  const child = spawn(
    process.execPath,
    ['--conditions=@await-mqtt/source', '--import', 'tsx', file, ...args],
    {
      cwd: root,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  const waiters = new Set<() => void>()
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
    for (const waiter of waiters) waiter()
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) {
          waiters.delete(check)
          resolve()
        }
      }
      waiters.add(check)
      check()
      void exited.then(() => {
        if (!pattern.test(output)) reject(new Error(`exited before printing ${pattern}:\n${output}`))
      })
    })
  return {
    child,
    output: () => output,
    printed,
    exited,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
}
