import { beforeDeadline } from '@await-mqtt/core'

/**
 * What `stop({ server })` needs of an HTTP server: Node's `http.Server` (what `@hono/node-server`'s
 * `serve()` returns), `https.Server` and `http2` servers all fit.
 * @example
 * const server: ClosableServer = serve({ fetch: app.fetch, port: 3000 })
 * await lifespan.stop({ server })
 */
export interface ClosableServer {
  close(callback?: (error?: Error) => void): unknown
  closeIdleConnections?(): void
  closeAllConnections?(): void
}

const idlePollInterval = 25

/**
 * Stops accepting connections, closes keep-alive connections as soon as their last response ends,
 * and destroys whatever is still open at `deadline` (a `Date.now()` value).
 */
export async function closeServer(server: ClosableServer, deadline: number): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    // An error here only means the server was not listening: closed either way.
    server.close(() => resolve())
  })
  // Node keeps a connection whose response ended after close() open for keepAliveTimeout (5 s):
  // close idle ones until none is left, so streams that end on stop do not hold the server.
  server.closeIdleConnections?.()
  const poll = setInterval(() => server.closeIdleConnections?.(), idlePollInterval)
  try {
    const late =
      (await beforeDeadline(
        closed.then(() => true),
        deadline,
      )) === undefined
    if (late && server.closeAllConnections) {
      server.closeAllConnections()
      await closed
    }
  } finally {
    clearInterval(poll)
  }
}
