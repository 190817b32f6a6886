import { connect, createServer, type Server, type Socket } from 'node:net'

/** What a {@link FaultProxy} does with traffic. */
export type FaultMode =
  /** Forwards both ways to the target (a healthy network). */
  | 'forward'
  /**
   * Passes nothing either way, not even a close: the client's side stays open whatever the broker
   * does (it may hang up on a client whose pings it no longer gets), as over a dead link.
   */
  | 'blackhole'

/** A TCP proxy in front of a broker that can fail the ways networks do. */
export interface FaultProxy extends AsyncDisposable {
  readonly host: string
  readonly port: number
  /** `mqtt://127.0.0.1:port` */
  readonly url: string
  /** How many client connections it has accepted so far. */
  readonly accepted: number
  /** Switches every connection, present and future, to `mode`. */
  setMode(mode: FaultMode): void
  /** Destroys every connection through it (a reset), and keeps listening. */
  cut(): void
  /** Stops listening (new connections are refused: ECONNREFUSED) and cuts every connection. */
  refuse(): Promise<void>
  /** Listens again on the same port after `refuse()`. */
  accept(): Promise<void>
  /** Stops for good. Idempotent. */
  close(): Promise<void>
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      if (address === null || typeof address === 'string') reject(new Error('no port'))
      else resolve(address.port)
    })
  })
}

/**
 * Starts a TCP proxy on 127.0.0.1 (a free port) to `targetPort`: forwards by default; `setMode('blackhole')`
 * silently stops all traffic without closing anything; `cut()` resets connections; `refuse()` /
 * `accept()` take the port away and back.
 * @example
 * await using proxy = await startFaultProxy(broker.port)
 * const client = await Client.connect(proxy.url, { keepalive: 1 })
 * proxy.setMode('blackhole') // the client's keepalive must notice
 */
export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const host = '127.0.0.1'
  let mode: FaultMode = 'forward'
  let accepted = 0
  const pairs = new Set<{ inbound: Socket; outbound: Socket }>()

  const onConnection = (inbound: Socket) => {
    accepted++
    const outbound = connect(targetPort, targetHost)
    const pair = { inbound, outbound }
    pairs.add(pair)
    inbound.on('error', () => {})
    outbound.on('error', () => {})
    inbound.once('close', () => {
      pairs.delete(pair)
      outbound.destroy()
    })
    outbound.once('close', () => {
      if (mode === 'forward') inbound.destroy()
    })
    inbound.on('data', (chunk) => {
      if (mode === 'forward') outbound.write(chunk)
    })
    outbound.on('data', (chunk) => {
      if (mode === 'forward') inbound.write(chunk)
    })
  }

  let server = createServer(onConnection)
  const port = await listen(server, 0, host)
  let listening = true
  let closing: Promise<void> | undefined

  const cut = () => {
    for (const { inbound, outbound } of pairs) {
      inbound.destroy()
      outbound.destroy()
    }
  }
  const refuse = async () => {
    cut()
    if (!listening) return
    listening = false
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  const accept = async () => {
    if (listening || closing) return
    server = createServer(onConnection)
    await listen(server, port, host)
    listening = true
  }
  const close = () => {
    closing ??= refuse()
    return closing
  }

  return {
    host,
    port,
    url: `mqtt://${host}:${port}`,
    get accepted() {
      return accepted
    },
    setMode: (next) => {
      mode = next
    },
    cut,
    refuse,
    accept,
    close,
    [Symbol.asyncDispose]: close,
  }
}
