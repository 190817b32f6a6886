import { once } from 'node:events'
import { type AddressInfo, connect, createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import {
  danteAvailable,
  danteSkipReason,
  microsocksAvailable,
  microsocksSkipReason,
  startDante,
  startMicrosocks,
  startTinyproxy,
  tinyproxyAvailable,
  tinyproxySkipReason,
  waitForPort,
} from '../src/index.js'

/**
 * Sends raw bytes and resolves with the first chunk of the answer: empty when the peer hangs up
 * without one, so that a silent peer fails the assertion at once instead of timing the test out.
 * A peer that neither answers nor hangs up within 5 s fails it with what the proxy logged.
 */
function exchange(port: number, bytes: Buffer | string, logs: () => string = () => ''): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes))
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer from 127.0.0.1:${port} within 5 s; the proxy logged:\n${logs()}`))
    }, 5_000)
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(chunk)
    })
    socket.once('close', () => {
      clearTimeout(timer)
      resolve(Buffer.alloc(0))
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

async function closedPort(port: number): Promise<boolean> {
  return waitForPort(port, { timeout: 200 }).then(
    () => false,
    () => true,
  )
}

describe.skipIf(!tinyproxyAvailable())(
  `startTinyproxy ${tinyproxyAvailable() ? '' : tinyproxySkipReason}`,
  () => {
    it('asks for credentials when auth is set, and is gone after close', async () => {
      const proxy = await startTinyproxy({ auth: { username: 'u', password: 'p' } })
      const answer = await exchange(
        proxy.port,
        'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n',
        proxy.logs,
      )
      expect(answer.toString()).toMatch(/^HTTP\/1\.[01] 40[17]/)
      await proxy.close()
      await proxy.close()
      expect(await closedPort(proxy.port)).toBe(true)
    })

    it('refuses CONNECT to ports not listed in connectPorts', async () => {
      await using proxy = await startTinyproxy({ connectPorts: [1] })
      const answer = await exchange(
        proxy.port,
        'CONNECT 127.0.0.1:2 HTTP/1.1\r\nHost: 127.0.0.1:2\r\n\r\n',
        proxy.logs,
      )
      expect(answer.toString()).toMatch(/^HTTP\/1\.[01] 403/)
    })
  },
)

describe.skipIf(!microsocksAvailable())(
  `startMicrosocks ${microsocksAvailable() ? '' : microsocksSkipReason}`,
  () => {
    it('speaks SOCKS5, requires user/password when auth is set, and is gone after close', async () => {
      const proxy = await startMicrosocks({ auth: { username: 'u', password: 'p' } })
      // greeting: version 5, one method offered: 0x02 (user name/password)
      expect([...(await exchange(proxy.port, Buffer.from([5, 1, 2])))]).toEqual([5, 2])
      // only "no authentication" offered: refused (0xff)
      expect([...(await exchange(proxy.port, Buffer.from([5, 1, 0])))]).toEqual([5, 0xff])
      await proxy.close()
      expect(await closedPort(proxy.port)).toBe(true)
    })

    it('accepts clients without authentication by default', async () => {
      await using proxy = await startMicrosocks()
      expect([...(await exchange(proxy.port, Buffer.from([5, 1, 0])))]).toEqual([5, 0])
    })
  },
)

describe.skipIf(!danteAvailable())(`startDante ${danteAvailable() ? '' : danteSkipReason}`, () => {
  it('speaks SOCKS4, logs the tunnel it opens, and is gone after close', async () => {
    const target = createServer((socket) => socket.end()).listen(0, '127.0.0.1')
    await once(target, 'listening')
    const { port } = target.address() as AddressInfo
    const proxy = await startDante()
    // SOCKS4 CONNECT: version 4, command 1, port, IPv4 127.0.0.1, empty user id
    const request = Buffer.from([4, 1, port >> 8, port & 0xff, 127, 0, 0, 1, 0])
    expect([...(await exchange(proxy.port, request))].slice(0, 2)).toEqual([0, 0x5a]) // granted
    await expect.poll(() => proxy.tunnels()).toEqual([`127.0.0.1:${port}`])
    await proxy.close()
    await proxy.close()
    expect(await closedPort(proxy.port)).toBe(true)
    target.close()
  })
})
