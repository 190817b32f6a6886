import { type Client, MqttValidationError, type Subscription } from '@await-mqtt/core'
import { formatShared, type PatternParams, pattern } from '@await-mqtt/topic-trie'
import type { FastifyBaseLogger } from 'fastify'
import type { MqttHandleOptions, MqttHandler } from './options.js'
import { stopSignal, type Task, until } from './task.js'

/** A handler as registered: its pattern compiled, ready to start once the client connects. */
export interface HandlerEntry {
  /** The filter as given, named wildcards included, e.g. `$share/workers/jobs/+id`. */
  readonly source: string
  /** The MQTT filter to subscribe with, e.g. `$share/workers/jobs/+`. */
  readonly filter: string
  readonly params: (topic: string) => PatternParams<string>
  readonly handler: MqttHandler
  readonly options: MqttHandleOptions
}

/** `$share/{group}/{pattern}`: MQTT 5 shared subscriptions, which `pattern()` leaves to us. */
const sharePattern = /^\$share\/([^/]*)\/(.*)$/

/**
 * Compiles `source` (`+name`/`#name` named wildcards, optionally behind `$share/{group}/`).
 * @throws {@link MqttValidationError} for an invalid filter or a repeated name.
 */
export function handlerEntry(source: string, handler: MqttHandler, options: MqttHandleOptions): HandlerEntry {
  if (typeof handler !== 'function') {
    throw new MqttValidationError(`the handler of ${source} must be a function`, 'handler')
  }
  try {
    const shared = sharePattern.exec(source)
    const compiled = pattern(shared?.[2] ?? source)
    const filter = shared ? formatShared(shared[1] ?? '', compiled.filter) : compiled.filter
    return { source, filter, params: (topic) => compiled.match(topic) ?? {}, handler, options }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new MqttValidationError(`invalid subscription filter ${source}: ${reason}`, 'filter', {
      cause: error,
    })
  }
}

/**
 * Subscribes `entry` and handles its messages one after the other until stopped. A handler's error
 * is logged and the loop goes on; a lost connection ends the loop (logged). Stopping does not
 * unsubscribe unless `unsubscribeOnStop` (a persistent session keeps its subscriptions).
 * @throws what `subscribe()` throws (the broker refused the filter, the client closed).
 */
export async function startHandler(
  client: Client,
  entry: HandlerEntry,
  log: FastifyBaseLogger,
  unsubscribeOnStop: boolean,
): Promise<Task> {
  const subscription = await client.subscribe(entry.filter, entry.options)
  const stop = stopSignal()
  const handlerLog = log.child({ filter: entry.source })
  return { stop: stop.resolve, done: run(subscription, entry, handlerLog, stop.promise, unsubscribeOnStop) }
}

async function run(
  subscription: Subscription,
  entry: HandlerEntry,
  log: FastifyBaseLogger,
  stop: Promise<void>,
  unsubscribeOnStop: boolean,
): Promise<void> {
  try {
    for await (const message of until(subscription, stop)) {
      try {
        await entry.handler(message, { params: entry.params(message.topic.value), log })
      } catch (error) {
        log.error({ err: error, topic: message.topic.value }, 'MQTT subscription handler failed')
      }
    }
  } catch (error) {
    log.error({ err: error }, 'MQTT subscription handler stopped: its message stream failed')
  } finally {
    if (unsubscribeOnStop) {
      await subscription.unsubscribe().catch((error: unknown) => {
        log.warn({ err: error }, 'MQTT unsubscribe failed')
      })
    }
  }
}
