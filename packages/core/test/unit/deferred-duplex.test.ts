import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createDeferredDuplex } from '../../src/node/deferred-duplex.js'

/** A TCP server on 127.0.0.1 that hands over the socket it accepts. */
async function startServer(): Promise<{ server: Server; accepted: Promise<Socket>; port: number }> {
  const server = createServer()
  const accepted = once(server, 'connection').then(([socket]) => socket as Socket)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { server, accepted, port: address.port }
}

async function openClientSocket(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' })
  await once(socket, 'connect')
  return socket
}

function collect(socket: Socket): () => string {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  return () => Buffer.concat(chunks).toString()
}

async function until(check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !check(); attempt++) await new Promise((r) => setTimeout(r, 5))
  expect(check()).toBe(true)
}

const cleanup: Array<() => void> = []
afterEach(() => {
  for (const step of cleanup.splice(0)) step()
})

describe('DeferredDuplex', () => {
  it('keeps the order of writes made before, while and after joining the socket', async () => {
    const { server, accepted, port } = await startServer()
    const stream = createDeferredDuplex()
    cleanup.push(() => {
      stream.destroy()
      server.close()
    })
    stream.write('a')
    stream.cork()
    stream.write('b')
    stream.attach(await openClientSocket(port))
    stream.write('c')
    stream.uncork()
    stream.write('d', () => stream.write('e'))
    const received = collect(await accepted)
    await until(() => received() === 'abcde')
  })

  it('after joining, corked writes reach the socket as one write on the last uncork', async () => {
    const { server, accepted, port } = await startServer()
    const stream = createDeferredDuplex()
    const socket = await openClientSocket(port)
    cleanup.push(() => {
      stream.destroy()
      server.close()
    })
    stream.attach(socket)
    const peer = await accepted
    const received = collect(peer)
    await until(() => stream.writableLength === 0)
    const socketWrites: unknown[] = []
    const write = socket.write.bind(socket)
    socket.write = ((chunk: unknown, ...rest: never[]) => {
      socketWrites.push(chunk)
      return write(chunk as string, ...rest)
    }) as typeof socket.write
    const called: string[] = []
    stream.cork()
    stream.write('x', () => called.push('x'))
    stream.cork()
    stream.write(Buffer.from('y'))
    stream.write('é', 'utf8')
    stream.uncork()
    expect(socketWrites).toEqual([])
    expect(stream.writableLength).toBe(0)
    stream.uncork()
    expect(socketWrites).toEqual([Buffer.from('xyé')])
    stream.write('z')
    expect(socketWrites).toHaveLength(2)
    await until(() => received() === 'xyéz' && called.length === 1)
  })

  it("reports the socket's backpressure and emits drain when it clears", async () => {
    const { server, accepted, port } = await startServer()
    const stream = createDeferredDuplex()
    cleanup.push(() => {
      stream.destroy()
      server.close()
    })
    stream.attach(await openClientSocket(port))
    const peer = await accepted
    peer.pause()
    const chunk = Buffer.alloc(64 * 1024, 'z')
    let roomLeft = true
    let written = 0
    while (roomLeft && written < 1024) {
      roomLeft = stream.write(chunk)
      written++
    }
    expect(roomLeft).toBe(false)
    const drained = once(stream, 'drain')
    let received = 0
    peer.on('data', (data: Buffer) => {
      received += data.length
    })
    peer.resume()
    await drained
    await until(() => received === written * chunk.length)
  })

  it('a write after destroy fails through its callback, not on the socket', async () => {
    const { server, port } = await startServer()
    const stream = createDeferredDuplex()
    cleanup.push(() => server.close())
    const socket = await openClientSocket(port)
    stream.attach(socket)
    stream.on('error', () => {})
    stream.destroy()
    const error = await new Promise<Error | null | undefined>((resolve) => stream.write('late', resolve))
    expect(error).toBeInstanceOf(Error)
    await until(() => socket.destroyed)
  })

  it('a write after end fails through its callback; what was written before still arrives', async () => {
    const { server, accepted, port } = await startServer()
    const stream = createDeferredDuplex()
    cleanup.push(() => {
      stream.destroy()
      server.close()
    })
    stream.attach(await openClientSocket(port))
    const received = collect(await accepted)
    stream.write('before')
    stream.on('error', () => {})
    stream.end()
    const error = await new Promise<Error | null | undefined>((resolve) => stream.write('after', resolve))
    expect((error as NodeJS.ErrnoException).code).toBe('ERR_STREAM_WRITE_AFTER_END')
    await until(() => received() === 'before')
  })

  it('corked writes report backpressure once what is held passes the high-water mark', async () => {
    const { server, accepted, port } = await startServer()
    const stream = createDeferredDuplex()
    cleanup.push(() => {
      stream.destroy()
      server.close()
    })
    const socket = await openClientSocket(port)
    stream.attach(socket)
    const peer = await accepted
    let received = 0
    peer.on('data', (data: Buffer) => {
      received += data.length
    })
    const chunk = Buffer.alloc(1024, 'c')
    stream.cork()
    const answers = Array.from({ length: 20 }, () => stream.write(chunk))
    const firstRefusal = answers.indexOf(false)
    expect(firstRefusal).toBe(Math.ceil(socket.writableHighWaterMark / chunk.length) - 1)
    const drained = once(stream, 'drain')
    stream.uncork()
    await drained
    await until(() => received === 20 * chunk.length)
  })

  it('destroyed while holding corked writes, their callbacks get the error', async () => {
    const { server, port } = await startServer()
    const stream = createDeferredDuplex()
    cleanup.push(() => server.close())
    stream.attach(await openClientSocket(port))
    stream.on('error', () => {})
    stream.cork()
    const result = new Promise<Error | null | undefined>((resolve) => stream.write('held', resolve))
    stream.destroy(new Error('gone'))
    expect((await result)?.message).toBe('gone')
  })
})
