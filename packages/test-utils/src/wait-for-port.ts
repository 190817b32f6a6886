import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

function accepts(port: number, host: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ port, host })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Resolves once a TCP connection to host:port succeeds; rejects after `timeout` ms. */
export async function waitForPort(
  port: number,
  { host = '127.0.0.1', timeout = 10_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeout
  for (;;) {
    if (await accepts(port, host)) return
    if (Date.now() > deadline) throw new Error(`nothing listened on ${host}:${port} within ${timeout} ms`)
    await sleep(25)
  }
}

/** Resolves once host:port refuses TCP connections (nothing listens any more); rejects after `timeout` ms. */
export async function waitForPortClosed(
  port: number,
  { host = '127.0.0.1', timeout = 5_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeout
  while (await accepts(port, host)) {
    if (Date.now() > deadline)
      throw new Error(`${host}:${port} still accepted connections after ${timeout} ms`)
    await sleep(10)
  }
}
