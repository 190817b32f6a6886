/**
 * aedes in a process of its own for the benchmarks (see aedes-broker.ts): prints its address as
 * one JSON line, and stops when its parent closes stdin (or goes away).
 */
import { startAedes } from '@await-mqtt/test-utils'

const broker = await startAedes({ websocket: false })
process.stdout.write(`${JSON.stringify({ host: broker.host, port: broker.port, url: broker.url })}\n`)
process.stdin.resume()
process.stdin.once('end', () => {
  void broker.close().then(() => process.exit(0))
})
