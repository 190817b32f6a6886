import {
  type CallOptions,
  type Client,
  handleMessages,
  handlerFilter,
  type Logger,
  type Message,
  type PatternParams,
  type SubscribeOptions,
} from '@await-mqtt/core'

/**
 * What a subscription handler receives besides the message.
 * @example
 * lifespan.handle('rooms/+room/#rest', (message, { params }) => console.log(params.room, params.rest))
 */
export interface MqttHandlerContext<Filter extends string = string> {
  /** The named wildcards of the filter: `sensors/+id/#rest` on `sensors/a/b/c` gives `{ id: 'a', rest: ['b', 'c'] }`. */
  params: PatternParams<Filter>
  /** Aborted when the lifespan stops: long work inside a handler can end early on it. */
  signal: AbortSignal
}

/**
 * Handles one message of a subscription. Messages of one handler are handled one after the other;
 * a thrown error (or rejection) is logged (the client's `logger`, else `console.error`) and the
 * next message is handled.
 * @example
 * const handler: MqttHandler<'sensors/+id/temperature'> = async (message, { params }) => {
 *   await save(params.id, message.json())
 * }
 */
export type MqttHandler<Filter extends string = string> = (
  message: Message<PatternParams<Filter>>,
  context: MqttHandlerContext<Filter>,
) => void | Promise<void>

/**
 * Options of a subscription handler: those of `client.subscribe()` (`qos`, queue bounds, MQTT 5
 * subscription options), as in `@await-mqtt/fastify`.
 * @example lifespan.handle('jobs/+id', run, { qos: 1, maxQueued: 100 })
 */
export type MqttHandleOptions = Omit<SubscribeOptions, keyof CallOptions>

/** A handler as registered, its filter checked. */
export interface HandlerEntry {
  /** As given, named wildcards included. */
  readonly source: string
  readonly handler: MqttHandler
  readonly options: MqttHandleOptions
}

/**
 * Checks a handler when it is registered, as the Fastify plugin does.
 * @throws {@link MqttValidationError} for an invalid filter (or pattern) or a handler that is not a function.
 */
export function handlerEntry(source: string, handler: MqttHandler, options: MqttHandleOptions): HandlerEntry {
  handlerFilter(source, handler)
  return { source, handler, options }
}

/**
 * Subscribes `entry`, then handles its messages until `signal` aborts (the lifespan stops); the
 * returned `done` settles once the loop ended, never rejecting (a lost connection is logged).
 * @throws what `subscribe()` throws (the broker refused the filter).
 */
export async function startHandler(
  client: Client,
  entry: HandlerEntry,
  signal: AbortSignal,
  logger: Logger | undefined,
): Promise<{ done: Promise<void> }> {
  const subscription = await client.subscribe(entry.source, entry.options)
  const report = (error: unknown, what: string, topic?: string) => {
    const fields = { err: error, filter: entry.source, topic }
    if (logger) logger.error(fields, what)
    else console.error(what, fields)
  }
  const done = handleMessages(
    subscription,
    (message) => entry.handler(message, { params: message.params, signal }),
    {
      signal,
      onError: (error, message) => report(error, 'MQTT subscription handler failed', message.topic.value),
    },
  ).catch((error: unknown) => report(error, 'MQTT subscription handler stopped: its message stream failed'))
  return { done }
}
