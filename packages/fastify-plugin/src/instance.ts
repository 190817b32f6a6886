import {
  type Client,
  type Message,
  type MessageStream,
  type MessagesOptions,
  MqttValidationError,
  type PatternParams,
  type PayloadInput,
  type PublishOptions,
  type SubscribeOptions,
  type Subscription,
  type UnsubscribeOptions,
} from '@await-mqtt/core'
import type { FastifyReply } from 'fastify'
import { handlerEntry } from './handler.js'
import type { InstanceState } from './instance-state.js'
import type { MqttHandleOptions, MqttHandler } from './options.js'
import { bridgeSSE, type MqttSSEOptions } from './sse.js'

/**
 * One MQTT client bound to the app: `app.mqtt`, or `app.mqtt.<namespace>`. Its client methods
 * throw `MqttClientClosedError` ("not connected yet; await app.ready()") before the app is ready
 * and once it is closing.
 * @example
 * await app.ready()
 * await app.mqtt.publish('events/started', JSON.stringify({ pid: process.pid }), { qos: 1 })
 */
export interface FastifyMqttInstance {
  /** The connected core client, for what the shortcuts below do not cover. */
  readonly client: Client
  /** Whether the client is connected right now; `false` before ready and after close. */
  readonly connected: boolean
  /**
   * `true` while the client is connected: a health check for @fastify/under-pressure
   * (`healthCheck: async () => app.mqtt.healthy()`).
   */
  healthy(): boolean
  /** `client.publish()`: resolves when the QoS handshake completes. */
  publish(topic: string, payload?: PayloadInput, options?: PublishOptions): Promise<void>
  /** `client.subscribe()`: resolves to a `Subscription` (an async iterable of its messages); named wildcards fill `message.params`. */
  subscribe<const Filter extends string>(
    filter: Filter | readonly Filter[],
    options?: SubscribeOptions,
  ): Promise<Subscription<Message<PatternParams<Filter>>>>
  /** `client.unsubscribe()`. */
  unsubscribe(filter: string | readonly string[], options?: UnsubscribeOptions): Promise<void>
  /** `client.messages()`: a stream of received messages, buffered from now on; named wildcards fill `message.params`. */
  messages<const Filter extends string = string>(
    filter?: Filter,
    options?: MessagesOptions,
  ): MessageStream<Message<PatternParams<Filter>>>
  /**
   * Registers a subscription handler, started on ready and stopped on close. `+name` and `#name`
   * are named wildcards, typed in `params`. Call it before `app.ready()`.
   * @throws `MqttValidationError` for an invalid filter, or once the app is ready.
   */
  handle<const Filter extends string>(
    filter: Filter,
    handler: MqttHandler<Filter>,
    options?: MqttHandleOptions,
  ): void
  /**
   * Streams the messages matching `filter` as Server-Sent Events on `reply` (no extra dependency).
   * Browsers share one broker subscription per filter (the last one leaving unsubscribes), each with
   * its own bounded queue (`maxQueued`, `overflow`). Ends when the browser leaves and when the app
   * closes (it never holds up `app.close()`, not even for a browser that stopped reading).
   * Rejects (HTTP 503) when the client is not connected or the broker refuses the filter.
   */
  sse(reply: FastifyReply, filter: string, options?: MqttSSEOptions): Promise<FastifyReply>
}

/** The object behind `app.mqtt` (and each `app.mqtt.<namespace>`): thin glue over an {@link InstanceState}. */
export class MqttInstance implements FastifyMqttInstance {
  readonly #state: InstanceState

  constructor(state: InstanceState) {
    this.#state = state
  }

  /** The state behind `value` when it is an instance of this plugin (a later registration finds the root's). */
  static stateOf(value: unknown): InstanceState | undefined {
    return value instanceof MqttInstance ? value.#state : undefined
  }

  get client(): Client {
    return this.#state.requireClient()
  }

  get connected(): boolean {
    return this.#state.phase === 'connected' && this.#state.client?.connected === true
  }

  healthy(): boolean {
    return this.connected
  }

  async publish(topic: string, payload?: PayloadInput, options?: PublishOptions): Promise<void> {
    return this.client.publish(topic, payload, options)
  }

  async subscribe<const Filter extends string>(
    filter: Filter | readonly Filter[],
    options?: SubscribeOptions,
  ): Promise<Subscription<Message<PatternParams<Filter>>>> {
    return this.client.subscribe(filter, options)
  }

  async unsubscribe(filter: string | readonly string[], options?: UnsubscribeOptions): Promise<void> {
    return this.client.unsubscribe(filter, options)
  }

  messages<const Filter extends string = string>(
    filter?: Filter,
    options?: MessagesOptions,
  ): MessageStream<Message<PatternParams<Filter>>> {
    return this.client.messages(filter, options)
  }

  handle<const Filter extends string>(
    filter: Filter,
    handler: MqttHandler<Filter>,
    options: MqttHandleOptions = {},
  ): void {
    const state = this.#state
    if (state.phase !== 'registered') {
      throw new MqttValidationError(
        state.phase === 'unregistered'
          ? `${state.label}.handle(): no client is registered here (use app.mqtt.<namespace>.handle())`
          : `${state.label}.handle() must be called before app.ready(): handlers start when the app is ready`,
        'filter',
      )
    }
    state.handlers.push(handlerEntry(filter, handler as MqttHandler, options))
  }

  async sse(reply: FastifyReply, filter: string, options?: MqttSSEOptions): Promise<FastifyReply> {
    const state = this.#state
    let task: Awaited<ReturnType<typeof bridgeSSE>>
    try {
      task = await bridgeSSE(state.requireShared(), reply, filter, options)
    } catch (error) {
      if (!(error instanceof MqttValidationError)) reply.code(503)
      throw error
    }
    if (state.phase !== 'connected') task.stop()
    state.tasks.add(task)
    void task.done.then(() => state.tasks.delete(task))
    return reply
  }
}
