import { connect, createServer, type Socket } from 'node:net'

/** A TCP relay in front of a broker whose connections the demo can cut, as a failing network would. */
export interface FlakyLink extends AsyncDisposable {
  /** The broker's URL, through the relay. */
  readonly url: string
  /** Destroys every connection going through the relay; the relay keeps accepting new ones. */
  dropConnections(): void
  close(): Promise<void>
}

/**
 * Starts a relay on 127.0.0.1 and a free port that forwards to the broker at `url` (any TCP-based
 * URL: `mqtt://`, `ws://`). Used when the broker is not the runner's embedded one.
 * @example
 * await using link = await startFlakyLink('mqtt://broker.local:1883')
 * link.dropConnections()
 */
export async function startFlakyLink(url: string): Promise<FlakyLink> {
  const target = new URL(url)
  const defaultPort = target.protocol === 'ws:' ? 80 : 1883
  const pairs = new Set<Socket>()
  const server = createServer((incoming) => {
    const outgoing = connect(Number(target.port || defaultPort), target.hostname)
    for (const socket of [incoming, outgoing]) {
      pairs.add(socket)
      socket.once('close', () => pairs.delete(socket))
      socket.on('error', () => {
        incoming.destroy()
        outgoing.destroy()
      })
    }
    incoming.pipe(outgoing).pipe(incoming)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the relay has no port')
  const relayed = new URL(url)
  relayed.hostname = '127.0.0.1'
  relayed.port = String(address.port)
  const dropConnections = () => {
    for (const socket of pairs) socket.destroy()
  }
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      dropConnections()
      server.close(() => resolve())
    })
    return closing
  }
  return { url: relayed.href, dropConnections, close, [Symbol.asyncDispose]: close }
}
