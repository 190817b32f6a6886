import {
  beforeDeadline,
  Client,
  type ClientOptions,
  MqttClientClosedError,
  MqttConnectError,
  SharedSubscriptions,
} from '@await-mqtt/core'
import type { FastifyBaseLogger } from 'fastify'
import { type HandlerEntry, startHandler } from './handler.js'
import type { Task } from './task.js'

/**
 * Where an instance is: `unregistered` (a root made by a namespaced registration only) →
 * `registered` → `connecting` → `connected` → `closing` → `closed`.
 */
export type InstancePhase = 'unregistered' | 'registered' | 'connecting' | 'connected' | 'closing' | 'closed'

/** How an instance gets its client. */
export type ClientSource =
  | { kind: 'connect'; options: ClientOptions; connectTimeout: number }
  | { kind: 'given'; client: Client; closeClient: boolean }

/** The lifecycle of one client bound to a Fastify app; the public face is `MqttInstance`. */
export class InstanceState {
  /** How messages name this instance: `app.mqtt` or `app.mqtt.<namespace>`. */
  readonly label: string
  phase: InstancePhase = 'unregistered'
  client: Client | undefined
  readonly log: FastifyBaseLogger
  readonly handlers: HandlerEntry[] = []
  readonly tasks = new Set<Task>()
  #source: ClientSource | undefined
  /** The SSE streams' reference-counted broker subscriptions, while a client is bound. */
  #shared: SharedSubscriptions | undefined
  #closeTimeout = 5000
  #deadline = 0

  constructor(label: string, log: FastifyBaseLogger) {
    this.label = label
    this.log = log
  }

  register(source: ClientSource, closeTimeout: number): void {
    this.#source = source
    this.#closeTimeout = closeTimeout
    this.phase = 'registered'
  }

  /** The connected client, or a clear error saying why there is none. */
  requireClient(): Client {
    if (this.client !== undefined && this.phase === 'connected') return this.client
    throw new MqttClientClosedError(this.#notConnected())
  }

  /** The SSE streams' shared subscriptions on the connected client, or why there is none. */
  requireShared(): SharedSubscriptions {
    const client = this.requireClient()
    this.#shared ??= new SharedSubscriptions(client, {
      onUnsubscribeError: (error, filter) =>
        this.log.warn({ err: error, filter }, 'MQTT unsubscribe of a filter no SSE stream uses failed'),
    })
    return this.#shared
  }

  #notConnected(): string {
    switch (this.phase) {
      case 'unregistered':
        return `${this.label} has no client: @await-mqtt/fastify was registered only with a namespace (use app.mqtt.<namespace>)`
      case 'registered':
      case 'connecting':
        return `${this.label} is not connected yet; await app.ready() first (it connects in onReady)`
      default:
        return `${this.label} is closed: app.ready() failed or app.close() was called`
    }
  }

  /**
   * onReady: connects (or adopts the given client), then starts the handlers. A client that is not
   * connected yet (`connectInBackground`) is bound at once: the app starts, `healthy()` says false,
   * and the handlers start when its connection comes.
   */
  async start(): Promise<void> {
    const source = this.#source
    if (source === undefined || this.phase !== 'registered') return
    this.phase = 'connecting'
    const client = source.kind === 'given' ? source.client : await this.#connect(source)
    this.client = client
    if (client.state === 'reconnecting') {
      this.phase = 'connected'
      this.#startWhenConnected(client)
      return
    }
    try {
      await this.#startHandlers(client)
    } catch (error) {
      await this.stop()
      await this.close()
      throw error
    }
    this.phase = 'connected'
  }

  async #startHandlers(client: Client): Promise<void> {
    for (const entry of this.handlers) {
      const task = await startHandler(client, entry, this.log, !this.#ownsClient())
      this.tasks.add(task)
      void task.done.then(() => this.tasks.delete(task))
    }
  }

  /** Starts the handlers once `client` connects (a task, so that closing the app ends the wait). */
  #startWhenConnected(client: Client): void {
    if (this.handlers.length === 0) return
    const events = client.events({ maxBuffered: 1 })
    const done = (async () => {
      if (client.state !== 'connected') {
        for await (const event of events) if (event.type === 'connected') break
      }
      events.close()
      if (this.phase !== 'connected' || client.state !== 'connected') return
      this.log.info(`${this.label}: connected to ${client.server}; starting the subscription handlers`)
      await this.#startHandlers(client).catch((error: unknown) => {
        this.log.error({ err: error }, `${this.label}: a subscription handler could not start`)
      })
    })()
    const task: Task = { stop: () => events.close(), done }
    this.tasks.add(task)
    void done.then(() => this.tasks.delete(task))
  }

  async #connect({ options, connectTimeout }: Extract<ClientSource, { kind: 'connect' }>): Promise<Client> {
    const timeout = new AbortController()
    const timer = setTimeout(() => {
      const message = `could not connect ${this.label} to the MQTT broker within connectTimeout (${connectTimeout} ms)`
      timeout.abort(new MqttConnectError(message, 'timeout'))
    }, connectTimeout)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal
    try {
      return await Client.connect({ logger: this.log, ...options, signal })
    } catch (error) {
      this.phase = 'closed'
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  #ownsClient(): boolean {
    return this.#source?.kind === 'connect' || (this.#source?.kind === 'given' && this.#source.closeClient)
  }

  /** preClose: ends handlers and SSE streams (each finishes its message), within closeTimeout. */
  async stop(): Promise<void> {
    this.#deadline = Date.now() + this.#closeTimeout
    if (this.phase === 'connecting' || this.phase === 'connected') this.phase = 'closing'
    const tasks = [...this.tasks]
    for (const task of tasks) task.stop()
    const ended = await beforeDeadline(
      Promise.all(tasks.map((task) => task.done)).then(() => true),
      this.#deadline,
    )
    if (ended === undefined) this.log.warn(`${this.label}: handlers and SSE streams outlived closeTimeout`)
  }

  /** onClose: closes the client (when the plugin owns it) within what is left of closeTimeout. */
  async close(): Promise<void> {
    const client = this.client
    if (this.phase === 'unregistered' || this.phase === 'registered') return
    this.phase = 'closed'
    if (client === undefined || !this.#ownsClient()) return
    if (this.#deadline === 0) this.#deadline = Date.now() + this.#closeTimeout
    const timeout = Math.max(1, this.#deadline - Date.now())
    try {
      const closed = await beforeDeadline(
        client.close({ timeout }).then(() => true),
        this.#deadline + 100,
      )
      if (closed === undefined) this.log.warn(`${this.label}: the MQTT client outlived closeTimeout`)
    } catch (error) {
      this.log.warn({ err: error }, `${this.label}: the MQTT client did not close cleanly`)
    }
  }
}
