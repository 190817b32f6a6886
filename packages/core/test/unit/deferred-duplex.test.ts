import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createDeferredDuplex } from '../../src/transport/deferred-duplex.js'

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

/** Records what reaches `socket.write` from now on. */
function spyOnWrites(socket: Socket): unknown[] {
  const socketWrites: unknown[] = []
  const write = socket.write.bind(socket)
  socket.write = ((chunk: unknown, ...rest: never[]) => {
    socketWrites.push(chunk)
    return write(chunk as string, ...rest)
  }) as typeof socket.write
  return socketWrites
}

const cleanup: Array<() => void> = []
afterEach(() => {
  for (const step of cleanup.splice(0)) step()
})

/** A stream not joined yet, a server to join it to; both go away after the test. */
async function unjoined() {
  const { server, accepted, port } = await startServer()
  const stream = createDeferredDuplex()
  stream.on('error', () => {})
  cleanup.push(() => {
    stream.destroy()
    server.close()
  })
  return { stream, accepted, port }
}

/** A stream joined to a client socket, and the server's end of it. */
async function joined() {
  const { stream, accepted, port } = await unjoined()
  const socket = await openClientSocket(port)
  stream.attach(socket)
  return { stream, socket, peer: await accepted }
}

/** A joined stream that has written once (so writes go straight to the socket), its socket's writes watched. */
async function joinedAndWatched() {
  const { stream, socket, peer } = await joined()
  const received = collect(peer)
  stream.write('connect')
  await until(() => received() === 'connect')
  return { stream, peer, received, socketWrites: spyOnWrites(socket) }
}

describe('DeferredDuplex', () => {
  it('keeps the order of writes made before, while and after joining the socket', async () => {
    const { stream, accepted, port } = await unjoined()
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
    const { stream, socket, peer } = await joined()
    const received = collect(peer)
    await until(() => stream.writableLength === 0)
    const socketWrites = spyOnWrites(socket)
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

  it('replies written while one read is handled, over ticks and promises, leave as one write after it', async () => {
    const { stream, peer, received, socketWrites } = await joinedAndWatched()
    const afterRead = new Promise<unknown[]>((resolve) => {
      stream.once('data', () => {
        stream.write('a')
        process.nextTick(() => stream.write('b'))
        void Promise.resolve().then(() => stream.write('c'))
        setImmediate(() => resolve([...socketWrites]))
      })
    })
    peer.write('packets')
    expect(await afterRead).toEqual([Buffer.from('abc')])
    await until(() => received() === 'connectabc')
    stream.write('d')
    expect(socketWrites).toHaveLength(2)
  })

  it('the answer to a read of one acknowledgement leaves at once', async () => {
    const { stream, peer, received, socketWrites } = await joinedAndWatched()
    const answered = new Promise<unknown[]>((resolve) => {
      stream.once('data', () => {
        stream.write('next')
        resolve([...socketWrites])
      })
    })
    peer.write(Buffer.from([0x40, 0x02, 0x00, 0x01]))
    expect(await answered).toEqual(['next'])
    await until(() => received() === 'connectnext')
  })

  it("reports the socket's backpressure and emits drain when it clears", async () => {
    const { stream, peer } = await joined()
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
    const { stream, socket } = await joined()
    stream.destroy()
    const error = await new Promise<Error | null | undefined>((resolve) => stream.write('late', resolve))
    expect(error).toBeInstanceOf(Error)
    await until(() => socket.destroyed)
  })

  it('a write after end fails through its callback; what was written before still arrives', async () => {
    const { stream, peer } = await joined()
    const received = collect(peer)
    stream.write('before')
    stream.end()
    const error = await new Promise<Error | null | undefined>((resolve) => stream.write('after', resolve))
    expect((error as NodeJS.ErrnoException).code).toBe('ERR_STREAM_WRITE_AFTER_END')
    await until(() => received() === 'before')
  })

  it("corked writes report backpressure once what is held passes the socket's highWaterMark", async () => {
    const { stream, socket, peer } = await joined()
    let received = 0
    peer.on('data', (data: Buffer) => {
      received += data.length
    })
    const chunk = Buffer.alloc(1024, 'c')
    stream.cork()
    const answers = Array.from({ length: 100 }, () => stream.write(chunk))
    expect(socket.writableHighWaterMark).toBe(16 * 1024)
    expect(answers.indexOf(false)).toBe(16 - 1)
    const drained = once(stream, 'drain')
    stream.uncork()
    await drained
    await until(() => received === 100 * chunk.length)
  })

  it('writes made while the socket opens reach it as one write once joined, callbacks called', async () => {
    const { stream, accepted, port } = await unjoined()
    const called: string[] = []
    stream.cork()
    stream.write(Buffer.from('con'), () => called.push('con'))
    stream.write('nect')
    stream.uncork()
    stream.write('!', () => called.push('!'))
    expect(called).toEqual([])
    const socket = await openClientSocket(port)
    const socketWrites = spyOnWrites(socket)
    stream.attach(socket)
    expect(socketWrites).toEqual([Buffer.from('connect!')])
    const received = collect(await accepted)
    await until(() => received() === 'connect!' && called.length === 2)
  })

  it('ended while the socket opens, what was written arrives before the end', async () => {
    const { stream, accepted, port } = await unjoined()
    stream.write('last words')
    stream.end('.')
    stream.attach(await openClientSocket(port))
    const peer = await accepted
    const received = collect(peer)
    await new Promise((resolve) => peer.once('end', resolve))
    expect(received()).toBe('last words.')
  })

  it('ends without an error when its socket already ended its side', async () => {
    // A socket whose peer closed first ends its own side (allowHalfOpen false) before the client ends.
    const { stream, socket } = await joined()
    const errors: Error[] = []
    stream.on('error', (error) => errors.push(error))
    socket.end()
    await new Promise((resolve) => socket.once('finish', resolve))
    stream.end()
    await new Promise((resolve) => {
      stream.once('finish', resolve)
      stream.once('close', resolve)
    })
    expect(errors).toEqual([])
    expect(stream.writableFinished).toBe(true)
  })

  it('destroyed while the socket opens, the callbacks of what was written get the error', async () => {
    const { stream } = await unjoined()
    const result = new Promise<Error | null | undefined>((resolve) => stream.write('held', resolve))
    stream.destroy(new Error('gone'))
    expect((await result)?.message).toBe('gone')
  })

  it('destroyed while holding corked writes, their callbacks get the error', async () => {
    const { stream } = await joined()
    stream.cork()
    const result = new Promise<Error | null | undefined>((resolve) => stream.write('held', resolve))
    stream.destroy(new Error('gone'))
    expect((await result)?.message).toBe('gone')
  })
})
