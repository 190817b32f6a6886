import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'

/** aedes running in a child process: where it listens, and how to stop it. */
export interface AedesProcess {
  host: string
  port: number
  url: string
  close(): Promise<void>
}

const entry = new URL('./aedes-process.ts', import.meta.url).pathname

/**
 * Starts aedes in a Node process of its own, as mosquitto runs in its own: the CPU this process
 * spends is then the clients' alone, and the broker's garbage collections pause none of them.
 */
export async function startAedesProcess(): Promise<AedesProcess> {
  const child = spawn(process.execPath, ['--conditions=@await-mqtt/source', '--import', 'tsx', entry], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit')
  const lines = createInterface({ input: child.stdout })
  const [first] = (await Promise.race([
    once(lines, 'line'),
    exited.then(([code]) => {
      throw new Error(`the aedes process exited with ${code} before it listened`)
    }),
  ])) as [string]
  lines.close()
  const address = JSON.parse(first) as Omit<AedesProcess, 'close'>
  let closing: Promise<void> | undefined
  return {
    ...address,
    close: () => {
      closing ??= (async () => {
        if (child.exitCode === null) {
          child.stdin.end()
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
          await exited
          clearTimeout(timer)
        }
      })()
      return closing
    },
  }
}
