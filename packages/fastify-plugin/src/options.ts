import type { CallOptions, Client, ClientOptions, Message, SubscribeOptions } from '@await-mqtt/core'
import type { PatternParams } from '@await-mqtt/topic-trie'
import type { FastifyBaseLogger } from 'fastify'

/**
 * What a subscription handler receives besides the message.
 * @example
 * app.mqtt.handle('rooms/+room/#rest', (message, { params, log }) => log.info({ room: params.room, rest: params.rest }))
 */
export interface MqttHandlerContext<Filter extends string = string> {
  /** The named wildcards of the filter: `sensors/+id/#rest` on `sensors/a/b/c` gives `{ id: 'a', rest: ['b', 'c'] }`. */
  params: PatternParams<Filter>
  /** Fastify's logger, bound to the handler's filter. */
  log: FastifyBaseLogger
}

/**
 * Handles one message of a subscription. Messages of one handler are handled one after the other;
 * a thrown error (or rejection) is logged through Fastify's logger and the next message is handled.
 * @example
 * const handler: MqttHandler<'sensors/+id/temperature'> = async (message, { params, log }) => {
 *   log.info({ sensor: params.id, celsius: message.json() }, 'temperature')
 * }
 */
export type MqttHandler<Filter extends string = string> = (
  message: Message<PatternParams<Filter>>,
  context: MqttHandlerContext<Filter>,
) => void | Promise<void>

/**
 * Options of a subscription handler: those of `client.subscribe()` (`qos`, queue bounds, MQTT 5
 * flags) without the per-call `signal` and `timeout`.
 * @example app.mqtt.handle('jobs/+id', run, { qos: 1, maxQueued: 100 })
 */
export type MqttHandleOptions = Omit<SubscribeOptions, keyof CallOptions>

/**
 * A subscription handler with its options, as the `subscriptions` option takes it.
 * @example
 * app.register(fastifyMqtt, { url, subscriptions: { 'jobs/+id': { handler: runJob, qos: 1, maxQueued: 100 } } })
 */
export type MqttHandlerEntry = MqttHandleOptions & {
  /** Handles each message. */
  handler: MqttHandler
}

/**
 * What every registration takes, whatever the client comes from.
 * @example
 * app.register(fastifyMqtt, { url, namespace: 'backup', connectTimeout: 3000, closeTimeout: 2000 })
 */
export interface FastifyMqttCommonOptions {
  /**
   * Registers a named instance, reached as `app.mqtt.<namespace>` (augment {@link FastifyMqttNamespaces}
   * to type it). @default the default instance, `app.mqtt`
   */
  namespace?: string
  /**
   * How long connecting may take, in ms; `app.ready()` rejects with `MqttConnectError` after it.
   * @default min(pluginTimeout - 1000, 8000), so the error arrives before Fastify's plugin timeout
   */
  connectTimeout?: number
  /** How long `app.close()` waits for handlers, SSE streams, in-flight publishes and the DISCONNECT, in ms. @default 5000 */
  closeTimeout?: number
  /**
   * Subscription handlers started on ready and stopped on close, by topic filter; `+name` and
   * `#name` are named wildcards. @default {}
   * @example { 'sensors/+id/temperature': async (message, { params }) => save(params.id, message.json()) }
   */
  subscriptions?: Readonly<Record<string, MqttHandler | MqttHandlerEntry>>
}

type Never<T> = { [K in keyof T]?: never }

/**
 * The plugin connects (and closes) its own client: core client options, e.g. `{ url }`.
 * @example
 * app.register(fastifyMqtt, { url: 'mqtts://broker.local', username: 'api', password: 'secret', reconnect: true })
 */
export type FastifyMqttConnectOptions = FastifyMqttCommonOptions &
  ClientOptions & { client?: never; closeClient?: never }

/**
 * Bring your own connected client; the plugin closes it only with `closeClient: true`.
 * @example
 * app.register(fastifyMqtt, { client: await Client.connect('mqtt://localhost'), closeClient: true })
 */
export type FastifyMqttClientOptions = FastifyMqttCommonOptions &
  Never<ClientOptions> & {
    /** A client connected with `Client.connect`. */
    client: Client
    /** Close `client` when the app closes. @default false */
    closeClient?: boolean
  }

/**
 * Options of {@link fastifyMqtt}: either core client options (the plugin connects on ready), or an
 * existing `client` (with `closeClient`), plus the options common to both.
 * @example
 * app.register(fastifyMqtt, { url: 'mqtt://localhost', username: 'api', password: 'secret' })
 * app.register(fastifyMqtt, { client, closeClient: true, namespace: 'backup' })
 */
export type FastifyMqttOptions = FastifyMqttConnectOptions | FastifyMqttClientOptions
