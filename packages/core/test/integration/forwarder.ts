import { connect, createServer, type Socket } from 'node:net'
import { onTestFinished } from 'vitest'

/** A TCP forwarder to a broker; `cut()` destroys every connection through it, as a network failure would. */
export interface Forwarder {
  readonly port: number
  readonly url: string
  cut(): void
}

/** Starts a forwarder on 127.0.0.1 to `targetPort`; stopped when the test finishes. */
export async function startForwarder(targetPort: number): Promise<Forwarder> {
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => sockets.delete(socket))
  }
  const server = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1')
    track(inbound)
    track(outbound)
    inbound.pipe(outbound)
    outbound.pipe(inbound)
    inbound.once('close', () => outbound.destroy())
    outbound.once('close', () => inbound.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const cut = () => {
    for (const socket of sockets) socket.destroy()
  }
  onTestFinished(async () => {
    cut()
    await new Promise((resolve) => server.close(resolve))
  })
  return { port: address.port, url: `mqtt://127.0.0.1:${address.port}`, cut }
}
