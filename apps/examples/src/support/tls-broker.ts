import { readFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { createServer, type TLSSocket } from 'node:tls'
import type { EmbeddedBroker, TestCertificates } from '@await-mqtt/test-utils'

/** Options of {@link startTlsBroker}. */
export interface StartTlsBrokerOptions {
  /** The server certificate and key, and the CA client certificates must chain to. */
  certificates: TestCertificates
  /** The embedded broker: TLS sockets are handed straight to aedes (`broker.handle`). */
  broker?: EmbeddedBroker | undefined
  /** Otherwise, the broker to forward decrypted traffic to (`mqtt://` or `ws://`). */
  url: string
  /** Ask for a client certificate and refuse clients without a valid one. @default false */
  requireClientCertificate?: boolean
}

/** A TLS listener on 127.0.0.1 and a free port, in front of the demo broker. */
export interface TlsBroker extends AsyncDisposable {
  /** `mqtts://127.0.0.1:port` (or `wss://…/path` in front of a `ws://` broker). */
  readonly url: string
  close(): Promise<void>
}

/**
 * Serves MQTT over TLS with the generated certificates: aedes over `node:tls` for the embedded
 * broker, or a TLS terminator forwarding to the broker at `url` (as nginx or HAProxy would).
 * @example
 * await using tlsBroker = await startTlsBroker({ certificates, broker, url })
 */
export async function startTlsBroker(options: StartTlsBrokerOptions): Promise<TlsBroker> {
  const { certificates, broker, url, requireClientCertificate = false } = options
  const target = new URL(url)
  const sockets = new Set<{ destroy(): void }>()
  const track = <T extends { destroy(): void; once(event: 'close', listener: () => void): unknown }>(
    socket: T,
  ) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    return socket
  }
  const forward = (socket: TLSSocket) => {
    const upstream = track(
      connect(Number(target.port || (target.protocol === 'ws:' ? 80 : 1883)), target.hostname),
    )
    const fail = () => {
      socket.destroy()
      upstream.destroy()
    }
    upstream.on('error', fail)
    socket.pipe(upstream).pipe(socket)
  }
  const server = createServer(
    {
      key: await readFile(certificates.serverKeyFile),
      cert: await readFile(certificates.serverCertFile),
      ca: certificates.ca,
      requestCert: requireClientCertificate,
      rejectUnauthorized: requireClientCertificate,
    },
    (socket) => {
      track(socket).on('error', () => socket.destroy())
      if (broker) broker.broker.handle(socket)
      else forward(socket)
    },
  )
  server.on('tlsClientError', () => {}) // a refused handshake is the client's error to report
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the TLS listener has no port')
  const secureUrl = new URL(broker ? broker.url : url)
  secureUrl.protocol = secureUrl.protocol === 'ws:' ? 'wss:' : 'mqtts:'
  secureUrl.hostname = '127.0.0.1'
  secureUrl.port = String(address.port)
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
    return closing
  }
  return { url: secureUrl.href.replace(/\/$/, ''), close, [Symbol.asyncDispose]: close }
}
