/**
 * `npm run demo`: runs every example in turn against one broker — `MQTT_URL`, or an embedded aedes
 * started here in-process — and prints each one's output under a header, then a summary. Exits
 * non-zero if any example failed. `npm run demo -- tls proxying` runs only those.
 * @module
 */
import { performance } from 'node:perf_hooks'
import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { type Example, examples } from './examples.js'
import { withoutPassword } from './support/run-alone.js'

const timeLimit = 20_000 // ms per example; each normally takes well under a second or two

/** Runs one example; resolves with the error it failed with, if any. */
async function run(example: Example, context: Omit<Parameters<Example['main']>[0], 'log' | 'signal'>) {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`did not finish within ${timeLimit / 1000} s`)
      controller.abort(error)
      reject(error)
    }, timeLimit)
  })
  const log = (line: string) => console.log(`  ${example.name} │ ${line}`)
  try {
    await Promise.race([example.main({ ...context, log, signal: controller.signal }), expired])
    return undefined
  } catch (error) {
    return error
  } finally {
    clearTimeout(timer)
  }
}

const started = performance.now()
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'))
const selected = only.length > 0 ? examples.filter((example) => only.includes(example.name)) : examples
const external = process.env.MQTT_URL
const broker = external ? undefined : await startAedes({ websocket: false })
const url = external ?? broker?.url ?? ''
const prefix = external ? uniqueTopic('examples') : 'demo'
console.log(`await-mqtt examples: ${selected.length} of ${examples.length}`)
console.log(
  broker
    ? `broker: embedded aedes (MQTT 3.1.1) on ${url}; set MQTT_URL to use another`
    : `broker: ${withoutPassword(url)} (MQTT_URL); topics under ${prefix}/`,
)

const failed: string[] = []
for (const [index, example] of selected.entries()) {
  console.log(`\n━━ ${index + 1}/${selected.length}  ${example.name}  ·  ${example.section}`)
  const exampleStarted = performance.now()
  const error = await run(example, { url, prefix, broker })
  const took = `${Math.round(performance.now() - exampleStarted)} ms`
  if (error === undefined) {
    console.log(`  ✓ ${example.name} (${took})`)
  } else {
    failed.push(example.name)
    console.log(
      `  ✗ ${example.name} failed (${took}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    )
  }
}
await broker?.close()

const seconds = ((performance.now() - started) / 1000).toFixed(1)
const ok = selected.length - failed.length
console.log(
  `\n${ok} examples ok, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}, in ${seconds} s`,
)
// A failed example may have left sockets or timers behind: do not wait for them.
if (failed.length > 0) process.exit(1)
if (only.length > 0 && selected.length < only.length) {
  console.log(
    `unknown example names: ${only.filter((name) => !examples.some((e) => e.name === name)).join(', ')}`,
  )
  process.exitCode = 1
}
