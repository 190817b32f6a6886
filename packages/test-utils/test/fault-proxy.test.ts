import { connect, createServer, type Socket } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startFaultProxy } from '../src/index.js'

/** An echo server; returns its port. */
async function echo(): Promise<number> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.pipe(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  return (server.address() as { port: number }).port
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
    onTestFinished(() => {
      socket.destroy()
    })
  })
}

const answer = (socket: Socket, ms: number) =>
  new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms)
    socket.once('data', (chunk) => {
      clearTimeout(timer)
      resolve(chunk.toString())
    })
  })

describe('startFaultProxy', () => {
  it('forwards, black-holes (nothing passes, nothing closes), cuts, refuses and accepts again', async () => {
    await using proxy = await startFaultProxy(await echo())
    const socket = await open(proxy.port)
    socket.write('hello')
    expect(await answer(socket, 2_000)).toBe('hello')
    proxy.setMode('blackhole')
    socket.write('lost')
    expect(await answer(socket, 200)).toBeUndefined()
    expect(socket.destroyed).toBe(false)
    const closed = new Promise((resolve) => socket.once('close', resolve))
    proxy.cut()
    await closed
    proxy.setMode('forward')
    await proxy.refuse()
    await expect(open(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await proxy.accept()
    const again = await open(proxy.port)
    again.write('back')
    expect(await answer(again, 2_000)).toBe('back')
    expect(proxy.accepted).toBe(2)
  })
})
