import { describe, expect, it } from 'vitest'
import { findBinary, spawnDaemon } from '../src/daemon.js'
import { freePort, waitForPort } from '../src/index.js'

const python = findBinary('python3')

/** A daemon that listens on `port` and ignores SIGTERM, as a stuck one would. */
const stubborn = (port: number) => `
import signal, socket, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
server = socket.socket()
server.bind(('127.0.0.1', ${port}))
server.listen()
time.sleep(120)
`

describe.skipIf(python === undefined)('spawnDaemon', () => {
  it('kills a daemon that ignores SIGTERM once the grace period is over', async () => {
    const port = await freePort()
    const daemon = await spawnDaemon(python as string, ['-c', stubborn(port)], [port])
    const started = performance.now()
    await daemon.stop()
    expect(performance.now() - started).toBeGreaterThanOrEqual(4_500)
    const refused = await waitForPort(port, { timeout: 200 }).then(
      () => false,
      () => true,
    )
    expect(refused).toBe(true)
  }, 20_000)
})
