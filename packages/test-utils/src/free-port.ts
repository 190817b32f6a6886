import { createServer } from 'node:net'

/** Asks the OS for a TCP port that is free on 127.0.0.1 right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      if (address === null || typeof address === 'string') {
        server.close(() => reject(new Error('could not read the port the OS gave')))
        return
      }
      server.close(() => resolve(address.port))
    })
  })
}
