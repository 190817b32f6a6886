/**
 * The lifespan on `@hono/node-server`: connect, then listen; on stop, end SSE streams, close the
 * server, then the client. A separate entry point so the main one runs wherever Hono runs.
 * @module
 */
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import type { MqttLifespan } from './lifespan.js'

/**
 * Options of {@link serveWithMqtt}.
 * @example
 * await serveWithMqtt(app, lifespan, { port: 8080, hostname: '127.0.0.1', signals: ['SIGINT', 'SIGTERM'] })
 */
export interface ServeWithMqttOptions {
  /** Port to listen on; 0 lets the OS pick a free one. @default 3000 */
  port?: number
  /** Address to listen on. @default '0.0.0.0' (Node's default: every interface) */
  hostname?: string
  /**
   * Signals that stop the server and the lifespan (opt-in). While stopping, the listeners are
   * gone, so a second Ctrl-C exits at once. @default [] (none)
   */
  signals?: readonly NodeJS.Signals[]
  /** Bound on stopping (server, then client), in ms. @default the lifespan's `closeTimeout` */
  timeout?: number
}

/**
 * A running server bound to a lifespan. `stop()` / `await using` stops both.
 * @example
 * await using server = await serveWithMqtt(app, lifespan, { port: 0 })
 * console.log(`listening on ${server.url}`)
 */
export interface MqttServer extends AsyncDisposable {
  /** The Node server `serve()` returned. */
  readonly server: ServerType
  /** The port it listens on (the OS's pick when `port` was 0). */
  readonly port: number
  /** `http://host:port` of the listener, handy in tests. */
  readonly url: string
  /** Ends SSE streams, closes the server, then the client, within the timeout. Idempotent. */
  stop(): Promise<void>
}

/**
 * The fetch handler of a Hono app (or anything with one).
 * @example
 * const app: FetchApp = new Hono()
 */
export interface FetchApp {
  fetch: Parameters<typeof serve>[0]['fetch']
}

/**
 * Starts the lifespan (connects), then serves `app` with `@hono/node-server`. If listening fails,
 * the lifespan is stopped and the error rethrown. For HTTPS or HTTP/2, call `serve()` yourself
 * after `lifespan.start()` and stop with `lifespan.stop({ server })`.
 *
 * @example
 * const lifespan = createMqttLifespan('mqtt://localhost')
 * const app = new Hono<MqttEnv>().use(mqtt(lifespan))
 * await serveWithMqtt(app, lifespan, { port: 3000, signals: ['SIGINT', 'SIGTERM'] })
 */
export async function serveWithMqtt(
  app: FetchApp,
  lifespan: MqttLifespan,
  { port = 3000, hostname, signals = [], timeout }: ServeWithMqttOptions = {},
): Promise<MqttServer> {
  await lifespan.start()
  let server: ServerType | undefined
  let address: AddressInfo
  try {
    address = await new Promise<AddressInfo>((resolve, reject) => {
      const options = { fetch: app.fetch, port, ...(hostname === undefined ? {} : { hostname }) }
      const started = serve(options, (info) => {
        started.off('error', reject)
        resolve(info)
      })
      server = started
      started.once('error', reject)
    })
  } catch (error) {
    await lifespan.stop({ server, timeout })
    throw error
  }
  const listening = server as ServerType
  const stop = () => {
    for (const signal of signals) process.off(signal, onSignal)
    return lifespan.stop({ server: listening, timeout })
  }
  const onSignal = () => {
    stop().catch((error: unknown) => {
      process.exitCode = 1
      console.error('@await-mqtt/hono: stopping on a signal failed', error)
    })
  }
  for (const signal of signals) process.on(signal, onSignal)
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    server: listening,
    port: address.port,
    url: `http://${host}:${address.port}`,
    stop,
    [Symbol.asyncDispose]: stop,
  }
}
