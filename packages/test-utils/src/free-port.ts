import { createServer } from 'node:net'

/** Below the ephemeral ranges of Linux (32768–60999) and BSD/macOS (49152–65535). */
const lowest = 20_000
const highest = 32_767

function tryListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false)
      else reject(error)
    })
    server.listen(port, host, () => server.close(() => resolve(true)))
  })
}

/**
 * A TCP port free on 127.0.0.1 right now, for a daemon to bind a moment later. Chosen at random
 * below the OS's ephemeral range: a port the OS hands out itself (a `listen(0)` server elsewhere in
 * the test run, an outgoing connection) can then never take it in between, which a port the OS
 * chose could not promise (a daemon found another server on its port: ECONNRESET).
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = lowest + Math.floor(Math.random() * (highest - lowest + 1))
    if (await tryListen(port, host)) return port
  }
  throw new Error(`no free port between ${lowest} and ${highest} on ${host} after 100 tries`)
}
