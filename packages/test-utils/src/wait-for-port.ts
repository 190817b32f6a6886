import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** Resolves once a TCP connection to host:port succeeds; rejects after `timeout` ms. */
export async function waitForPort(
  port: number,
  { host = '127.0.0.1', timeout = 10_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeout
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`nothing listened on ${host}:${port} within ${timeout} ms`)
    await sleep(25)
  }
}
