import { createServer } from 'node:http'
import { connect, type Socket } from 'node:net'

/** Options of {@link startHttpConnectProxy}. */
export interface HttpConnectProxyOptions {
  /** Require these credentials (`Proxy-Authorization: Basic`); others get 407. */
  auth?: { username: string; password: string }
}

/** A minimal HTTP CONNECT proxy in this process, on 127.0.0.1 and a free port. */
export interface HttpConnectProxy extends AsyncDisposable {
  readonly host: string
  readonly port: number
  /** The `host:port` of every tunnel it opened, in order. */
  readonly tunnels: readonly string[]
  close(): Promise<void>
}

/**
 * Starts a tiny HTTP CONNECT proxy (what squid or tinyproxy do for MQTT): it answers `CONNECT
 * host:port`, checks the credentials, opens a TCP connection and relays bytes both ways. Enough
 * for the demo to need nothing installed; use a real proxy in production.
 * @example
 * await using proxy = await startHttpConnectProxy({ auth: { username: 'u', password: 'p' } })
 */
export async function startHttpConnectProxy({
  auth,
}: HttpConnectProxyOptions = {}): Promise<HttpConnectProxy> {
  const tunnels: string[] = []
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    return socket
  }
  const expected = auth && `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
  const server = createServer((_request, response) => response.writeHead(405).end())
  server.on('connect', (request, client: Socket, head: Buffer) => {
    track(client)
    if (expected !== undefined && request.headers['proxy-authorization'] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n')
      return
    }
    const { hostname, port } = new URL(`http://${request.url ?? ''}`)
    const upstream = track(connect(Number(port), hostname.replace(/^\[|\]$/g, '')))
    upstream.once('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'))
    upstream.once('connect', () => {
      tunnels.push(request.url ?? '')
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client).pipe(upstream)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port')
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
    return closing
  }
  return { host: '127.0.0.1', port: address.port, tunnels, close, [Symbol.asyncDispose]: close }
}
