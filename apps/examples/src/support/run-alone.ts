import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startAedes } from '@await-mqtt/test-utils'
import type { ExampleMain } from './context.js'

/** `url` with any password replaced, for printing. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.href
  } catch {
    return '(invalid URL)'
  }
}

/** Whether the module at `moduleUrl` is the script node (or tsx) was started with. */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1]
  return script !== undefined && resolve(script) === fileURLToPath(moduleUrl)
}

/**
 * Runs one example as a script: connects it to `MQTT_URL`, or to an embedded aedes broker started
 * here; `--forever` keeps its listeners running until Ctrl-C.
 * @example
 * if (isEntryPoint(import.meta.url)) await runAlone(main)
 */
export async function runAlone(main: ExampleMain): Promise<void> {
  const forever = process.argv.includes('--forever')
  const controller = new AbortController()
  const stop = () => controller.abort(new Error('interrupted'))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const broker = process.env.MQTT_URL ? undefined : await startAedes({ websocket: false })
  const url = process.env.MQTT_URL ?? broker?.url ?? ''
  console.log(
    broker
      ? `embedded aedes broker on ${url} (set MQTT_URL to use another)`
      : `broker: ${withoutPassword(url)}`,
  )
  if (forever) console.log('--forever: listeners keep running until Ctrl-C')
  try {
    await main({ url, log: (line) => console.log(line), signal: controller.signal, forever, broker })
  } catch (error) {
    if (!controller.signal.aborted) {
      console.error(error)
      process.exitCode = 1
    }
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await broker?.close()
  }
}
