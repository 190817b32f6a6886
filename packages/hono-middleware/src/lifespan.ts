import {
  beforeDeadline,
  Client,
  type ClientOptions,
  MqttClientClosedError,
  MqttConnectError,
  MqttValidationError,
  SharedSubscriptions,
} from '@await-mqtt/core'
import { type ClosableServer, closeServer } from './close-server.js'
import {
  type HandlerEntry,
  handlerEntry,
  type MqttHandleOptions,
  type MqttHandler,
  startHandler,
} from './handler.js'

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
 * Options of {@link createMqttLifespan}: everything `Client.connect` takes, plus the bounds on
 * connecting and stopping (named as in `@await-mqtt/fastify`). With `connectInBackground: true`
 * (and `reconnect`), `start()` resolves while the broker is down: the middleware answers 503 until
 * the client connects, then routes and SSE bridges work.
 * @example
 * createMqttLifespan({ url: 'mqtt://localhost', username: 'alice', password: 'secret', closeTimeout: 5000 })
 */
export interface MqttLifespanOptions extends ClientOptions {
  /**
   * How long `start()` may take to connect, in ms; past it, `start()` rejects with
   * `MqttConnectError` (code `timeout`). @default the client's `timeout` (10000)
   */
  connectTimeout?: number
  /** How long `stop()` may take when the call gives no `timeout`, in ms. @default 10000 */
  closeTimeout?: number
  /** @deprecated The former name of `closeTimeout`, still honoured when `closeTimeout` is not given. */
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
  /** Bound on the whole stop (server, then client), in ms. @default the lifespan's `closeTimeout` */
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
  /** Ends SSE streams and handlers, closes `server` if given, then the client, within `timeout`. Idempotent. */
  stop(options?: MqttStopOptions): Promise<void>
  /**
   * Registers a subscription handler, as `app.mqtt.handle()` does in `@await-mqtt/fastify`:
   * subscribed by `start()` (which rejects when the broker refuses the filter), its messages
   * handled one after the other until `stop()`, which lets the message being handled finish.
   * `+name` and `#name` are named wildcards, typed in `params`. Call it before `start()`.
   * @throws `MqttValidationError` for an invalid filter, or once `start()` was called.
   * @example
   * lifespan.handle('sensors/+room/temperature', async (message, { params }) => {
   *   await save(params.room, message.json())
   * }, { qos: 1 })
   */
  handle<const Filter extends string>(
    filter: Filter,
    handler: MqttHandler<Filter>,
    options?: MqttHandleOptions,
  ): void
}

function notRunning(state: MqttLifespanState): MqttClientClosedError {
  return new MqttClientClosedError(
    state === 'idle' || state === 'starting'
      ? 'the MQTT client is not connected yet: await lifespan.start() before serving requests'
      : 'the MQTT client is closed: the lifespan was stopped',
  )
}

function checkTimeout(value: number | undefined, field: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
    throw new MqttValidationError(`${field} must be a positive number of milliseconds, not ${value}`, field)
  }
}

/**
 * The lifespan {@link createMqttLifespan} returns. Private to the package: {@link mqttSSE} reaches
 * its shared subscriptions through {@link Lifespan.shared}, which the public interface leaves out.
 */
export class Lifespan implements MqttLifespan {
  readonly #clientOptions: ClientOptions
  readonly #connectTimeout: number | undefined
  readonly #closeTimeout: number
  readonly #controller = new AbortController()
  #state: MqttLifespanState = 'idle'
  #client: Client | undefined
  /** The SSE streams' reference-counted broker subscriptions, while running. */
  #shared: SharedSubscriptions | undefined
  #starting: Promise<Client> | undefined
  #stopping: Promise<void> | undefined
  /** Registered by `handle()`, subscribed by `start()`. */
  readonly #handlers: HandlerEntry[] = []
  /** The handler loops, settled once each ended. */
  readonly #handling: Promise<void>[] = []

  constructor({ connectTimeout, closeTimeout, stopTimeout, ...clientOptions }: MqttLifespanOptions) {
    checkTimeout(connectTimeout, 'connectTimeout')
    checkTimeout(closeTimeout, 'closeTimeout')
    checkTimeout(stopTimeout, 'stopTimeout')
    this.#clientOptions = clientOptions
    this.#connectTimeout = connectTimeout
    this.#closeTimeout = closeTimeout ?? stopTimeout ?? 10_000
  }

  get state(): MqttLifespanState {
    return this.#state
  }

  get client(): Client {
    if (this.#state !== 'running' || this.#client === undefined) throw notRunning(this.#state)
    return this.#client
  }

  get signal(): AbortSignal {
    return this.#controller.signal
  }

  /** The shared subscriptions SSE streams read from; throws `MqttClientClosedError` unless running. */
  shared(): SharedSubscriptions {
    if (this.#state !== 'running' || this.#shared === undefined) throw notRunning(this.#state)
    return this.#shared
  }

  handle<const Filter extends string>(
    filter: Filter,
    handler: MqttHandler<Filter>,
    options: MqttHandleOptions = {},
  ): void {
    if (this.#state !== 'idle') {
      throw new MqttValidationError(
        'lifespan.handle() must be called before lifespan.start(): handlers start with it',
        'filter',
      )
    }
    this.#handlers.push(handlerEntry(filter, handler as MqttHandler, options))
  }

  start(): Promise<Client> {
    if (this.#state === 'stopping' || this.#state === 'stopped')
      return Promise.reject(notRunning(this.#state))
    this.#starting ??= this.#connect()
    return this.#starting
  }

  stop(options: MqttStopOptions = {}): Promise<void> {
    this.#stopping ??= this.#stopNow(options)
    return this.#stopping
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  async #connect(): Promise<Client> {
    this.#state = 'starting'
    let connected: Client
    try {
      connected = await this.#connectWithin()
    } catch (error) {
      if (this.#state === 'starting') {
        this.#state = 'idle'
        this.#starting = undefined
      }
      throw error
    }
    if (this.#state !== 'starting') {
      await connected.close()
      throw notRunning(this.#state)
    }
    const { logger } = this.#clientOptions
    try {
      for (const entry of this.#handlers) {
        this.#handling.push((await startHandler(connected, entry, this.#controller.signal, logger)).done)
      }
    } catch (error) {
      this.#controller.abort(notRunning('stopping'))
      await connected.close()
      this.#state = 'stopped'
      throw error
    }
    this.#client = connected
    this.#shared = new SharedSubscriptions(connected, {
      onUnsubscribeError: (error, filter) =>
        logger?.warn({ err: error, filter }, 'could not unsubscribe a filter no stream uses'),
    })
    this.#state = 'running'
    return connected
  }

  /** `Client.connect`, given up after `connectTimeout` (when set) as Fastify's plugin does. */
  async #connectWithin(): Promise<Client> {
    const connectTimeout = this.#connectTimeout
    if (connectTimeout === undefined) return Client.connect(this.#clientOptions)
    const timeout = new AbortController()
    const timer = setTimeout(() => {
      const message = `could not connect to the MQTT broker within connectTimeout (${connectTimeout} ms)`
      timeout.abort(new MqttConnectError(message, 'timeout'))
    }, connectTimeout)
    const { signal } = this.#clientOptions
    try {
      return await Client.connect({
        ...this.#clientOptions,
        signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      })
    } finally {
      clearTimeout(timer)
    }
  }

  async #stopNow({ server, timeout = this.#closeTimeout }: MqttStopOptions): Promise<void> {
    const deadline = Date.now() + timeout
    this.#state = 'stopping'
    this.#controller.abort(notRunning('stopping'))
    try {
      if (server) await closeServer(server, deadline)
      await beforeDeadline(Promise.all(this.#handling), deadline) // each finishes its message
      // A connect still under way past the deadline closes its own client when it lands.
      const starting = this.#starting?.catch(() => undefined)
      const closing = this.#client ?? (starting && (await beforeDeadline(starting, deadline)))
      await closing?.close({ timeout: Math.max(1, deadline - Date.now()) })
    } finally {
      this.#client = undefined
      this.#shared = undefined
      this.#state = 'stopped'
    }
  }
}

/**
 * Creates the owner of one MQTT client for a Hono app; nothing connects until `start()`.
 * @throws `MqttValidationError` for a `connectTimeout` or `closeTimeout` that is not a positive number.
 *
 * @example
 * const lifespan = createMqttLifespan('mqtt://localhost')
 * const app = new Hono<MqttEnv>().use(mqtt(lifespan))
 * await lifespan.start()
 * const server = serve({ fetch: app.fetch, port: 3000 })
 * process.once('SIGTERM', () => lifespan.stop({ server }))
 */
export function createMqttLifespan(target: string | MqttLifespanOptions): MqttLifespan {
  return new Lifespan(typeof target === 'string' ? { url: target } : target)
}
