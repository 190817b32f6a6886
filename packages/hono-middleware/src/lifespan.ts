import { Client, type ClientOptions, MqttClientClosedError } from '@await-mqtt/core'
import { type ClosableServer, closeServer } from './close-server.js'
import { SubscriptionPool } from './subscription-pool.js'

/**
 * Where a {@link MqttLifespan} is: `idle` → `starting` → `running` → `stopping` → `stopped`.
 * `running` says the lifespan started, not that the broker is reachable: it stays `running` while
 * the client reconnects. A health check asks the client (`lifespan.client.state`) too.
 * @example
 * app.get('/health', (c) => {
 *   const mqtt = lifespan.state === 'running' ? lifespan.client.state : lifespan.state
 *   return c.json({ mqtt }, mqtt === 'connected' ? 200 : 503)
 * })
 */
export type MqttLifespanState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped'

/**
 * Options of {@link createMqttLifespan}: everything `Client.connect` takes, plus the stop bound.
 * @example
 * createMqttLifespan({ url: 'mqtt://localhost', username: 'alice', password: 'secret', stopTimeout: 5000 })
 */
export interface MqttLifespanOptions extends ClientOptions {
  /** How long `stop()` may take when the call gives no `timeout`, in ms. @default 10000 */
  stopTimeout?: number
}

/**
 * Options of {@link MqttLifespan.stop}.
 * @example
 * await lifespan.stop({ server, timeout: 5000 })
 */
export interface MqttStopOptions {
  /**
   * An HTTP server to close first (stop accepting, close idle keep-alive connections, destroy
   * the rest at the deadline), before the client closes. @default none
   */
  server?: ClosableServer
  /** Bound on the whole stop (server, then client), in ms. @default the lifespan's `stopTimeout` */
  timeout?: number
}

/**
 * Owns one MQTT client for the life of a Hono app: `start()` connects it, `stop()` ends every SSE
 * stream, closes the HTTP server and then the client, within a timeout. One-shot: once stopped,
 * create a new lifespan to connect again.
 * @example
 * await using lifespan = createMqttLifespan('mqtt://localhost')
 * const client = await lifespan.start()
 */
export interface MqttLifespan extends AsyncDisposable {
  /** Where the lifespan is now. */
  readonly state: MqttLifespanState
  /**
   * The connected client. Throws `MqttClientClosedError` before `start()` resolved and once
   * `stop()` was called.
   */
  readonly client: Client
  /** Aborted as soon as `stop()` is called: long-lived work (streams, loops) ends on it. */
  readonly signal: AbortSignal
  /** Connects (once; later calls return the same promise) and resolves with the client. */
  start(): Promise<Client>
  /** Ends SSE streams, closes `server` if given, then the client, within `timeout`. Idempotent. */
  stop(options?: MqttStopOptions): Promise<void>
}

/** What the SSE bridge needs beyond the public surface. */
export interface LifespanInternals {
  readonly pool: () => SubscriptionPool
}

const internals = new WeakMap<MqttLifespan, LifespanInternals>()

/** The SSE bridge's access to a lifespan's reference-counted subscriptions. */
export function lifespanInternals(lifespan: MqttLifespan): LifespanInternals | undefined {
  return internals.get(lifespan)
}

function notRunning(state: MqttLifespanState): MqttClientClosedError {
  return new MqttClientClosedError(
    state === 'idle' || state === 'starting'
      ? 'the MQTT client is not connected yet: await lifespan.start() before serving requests'
      : 'the MQTT client is closed: the lifespan was stopped',
  )
}

/** Resolves with what `promise` gives, or undefined when it fails or `deadline` passes first. */
async function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), undefined)
  })
  try {
    return await Promise.race([promise.catch(() => undefined), late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Creates the owner of one MQTT client for a Hono app; nothing connects until `start()`.
 *
 * @example
 * const lifespan = createMqttLifespan('mqtt://localhost')
 * const app = new Hono<MqttEnv>().use(mqtt(lifespan))
 * await lifespan.start()
 * const server = serve({ fetch: app.fetch, port: 3000 })
 * process.once('SIGTERM', () => lifespan.stop({ server }))
 */
export function createMqttLifespan(target: string | MqttLifespanOptions): MqttLifespan {
  const { stopTimeout = 10_000, ...clientOptions }: MqttLifespanOptions =
    typeof target === 'string' ? { url: target } : target
  const controller = new AbortController()
  let state: MqttLifespanState = 'idle'
  let client: Client | undefined
  let pool: SubscriptionPool | undefined
  let starting: Promise<Client> | undefined
  let stopping: Promise<void> | undefined

  const connect = async (): Promise<Client> => {
    state = 'starting'
    let connected: Client
    try {
      connected = await Client.connect(clientOptions)
    } catch (error) {
      if (state === 'starting') {
        state = 'idle'
        starting = undefined
      }
      throw error
    }
    if (state !== 'starting') {
      await connected.close()
      throw notRunning(state)
    }
    client = connected
    pool = new SubscriptionPool(connected, (error, filter) =>
      clientOptions.logger?.warn({ err: error, filter }, 'could not unsubscribe a filter no stream uses'),
    )
    state = 'running'
    return connected
  }

  const stopNow = async ({ server, timeout = stopTimeout }: MqttStopOptions): Promise<void> => {
    const deadline = Date.now() + timeout
    state = 'stopping'
    controller.abort(notRunning('stopping'))
    try {
      if (server) await closeServer(server, deadline)
      // A connect still under way past the deadline closes its own client when it lands.
      const closing = client ?? (starting && (await beforeDeadline(starting, deadline)))
      await closing?.close({ timeout: Math.max(1, deadline - Date.now()) })
    } finally {
      client = undefined
      pool = undefined
      state = 'stopped'
    }
  }

  const lifespan: MqttLifespan = {
    get state() {
      return state
    },
    get client() {
      if (state !== 'running' || client === undefined) throw notRunning(state)
      return client
    },
    signal: controller.signal,
    start() {
      if (state === 'stopping' || state === 'stopped') return Promise.reject(notRunning(state))
      starting ??= connect()
      return starting
    },
    stop(options = {}) {
      stopping ??= stopNow(options)
      return stopping
    },
    [Symbol.asyncDispose]() {
      return lifespan.stop()
    },
  }
  internals.set(lifespan, {
    pool: () => {
      if (state !== 'running' || pool === undefined) throw notRunning(state)
      return pool
    },
  })
  return lifespan
}
