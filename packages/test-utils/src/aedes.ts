import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server } from 'node:net'
import { Aedes, type AedesOptions } from 'aedes'
import { createWebSocketStream, WebSocketServer } from 'ws'

/** Options for {@link startAedes}. */
export interface StartAedesOptions extends AedesOptions {
  /** Also serve MQTT over WebSockets on its own free port. @default true */
  websocket?: boolean
  /** Path of the WebSocket endpoint. @default '/mqtt' */
  websocketPath?: string
}

/** An aedes broker running in this process on 127.0.0.1. */
export interface EmbeddedBroker extends AsyncDisposable {
  readonly broker: Aedes
  readonly host: string
  readonly port: number
  /** `mqtt://127.0.0.1:port` */
  readonly url: string
  /** `ws://127.0.0.1:wsPort/mqtt`, when websockets are on. */
  readonly wsUrl: string | undefined
  readonly wsPort: number | undefined
  /** Destroys every client connection, as a crashing broker would, and keeps the broker. */
  dropConnections(): void
  /** Stops the listeners and the broker; closes every client socket. Idempotent. */
  close(): Promise<void>
}

function listen(server: Server | ReturnType<typeof createHttpServer>, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      if (address === null || typeof address === 'string') reject(new Error('no port'))
      else resolve(address.port)
    })
  })
}

/**
 * Starts aedes (MQTT 3.1.1) in-process on 127.0.0.1 with free ports for TCP and WebSockets.
 *
 * @example
 * await using broker = await startAedes()
 * const client = await Client.connect(broker.url)
 */
export async function startAedes({
  websocket = true,
  websocketPath = '/mqtt',
  ...aedesOptions
}: StartAedesOptions = {}): Promise<EmbeddedBroker> {
  const host = '127.0.0.1'
  const broker = await Aedes.createBroker(aedesOptions)
  const sockets = new Set<{ destroy(): void }>()
  const tcp = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    broker.handle(socket)
  })
  const port = await listen(tcp, host)

  let http: ReturnType<typeof createHttpServer> | undefined
  let wss: WebSocketServer | undefined
  let wsPort: number | undefined
  if (websocket) {
    http = createHttpServer()
    wss = new WebSocketServer({ server: http, path: websocketPath })
    wss.on('connection', (ws, request) => {
      const stream = createWebSocketStream(ws)
      sockets.add(stream)
      stream.once('close', () => sockets.delete(stream))
      stream.on('error', () => stream.destroy())
      broker.handle(stream, request)
    })
    wsPort = await listen(http, host)
  }

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => tcp.close(() => resolve()))
      if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()))
      if (http) {
        http.closeAllConnections()
        await new Promise<void>((resolve) => http.close(() => resolve()))
      }
      await new Promise<void>((resolve) => broker.close(() => resolve()))
    })()
    return closing
  }

  return {
    broker,
    host,
    port,
    url: `mqtt://${host}:${port}`,
    wsPort,
    wsUrl: wsPort === undefined ? undefined : `ws://${host}:${wsPort}${websocketPath}`,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy()
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
