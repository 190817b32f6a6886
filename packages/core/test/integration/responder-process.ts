/**
 * A responder in its own process, for request-response.test.ts (run with tsx, forked with an IPC
 * channel): `responder-process.ts <url> <filter> [dieAt]`. It answers each request with its payload
 * upper-cased, one at a time, and tells the parent `answered` as it handles each. With `dieAt` it
 * SIGKILLs itself when that request comes (before answering it), as a crashing service would die:
 * the parent killing it on a report raced the requests it kept answering meanwhile.
 */
import { Client } from '../../src/index.js'

/** What the responder tells the parent. */
export type ResponderReport = { type: 'ready' } | { type: 'answered'; payload: string }

const [url, filter, dieAt] = process.argv.slice(2)
if (url === undefined || filter === undefined)
  throw new Error('usage: responder-process.ts <url> <filter> [dieAt]')
let handled = 0

const client = await Client.connect(url)
await client.respond(
  filter,
  async (request) => {
    handled++
    if (dieAt !== undefined && handled === Number(dieAt)) process.kill(process.pid, 'SIGKILL')
    const payload = request.text()
    process.send?.({ type: 'answered', payload } satisfies ResponderReport)
    return payload.toUpperCase()
  },
  { qos: 1, concurrency: 1, reply: { qos: 1 } },
)
process.send?.({ type: 'ready' } satisfies ResponderReport)
