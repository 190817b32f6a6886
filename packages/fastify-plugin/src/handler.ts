import { type Client, handleMessages, handlerFilter, type Subscription } from '@await-mqtt/core'
import type { FastifyBaseLogger } from 'fastify'
import type { MqttHandleOptions, MqttHandler } from './options.js'
import type { Task } from './task.js'

/** A handler as registered: its pattern compiled, ready to start once the client connects. */
export interface HandlerEntry {
  /** The filter as given, named wildcards included, e.g. `$share/workers/jobs/+id`. */
  readonly source: string
  /** The MQTT filter subscribed to, e.g. `$share/workers/jobs/+`. */
  readonly filter: string
  readonly handler: MqttHandler
  readonly options: MqttHandleOptions
}

/**
 * Checks `source` (`+name`/`#name` named wildcards, optionally behind `$share/{group}/`) when it is
 * registered, before the app is ready; core compiles it again when it subscribes.
 * @throws {@link MqttValidationError} for an invalid filter or a repeated name.
 */
export function handlerEntry(source: string, handler: MqttHandler, options: MqttHandleOptions): HandlerEntry {
  return { source, filter: handlerFilter(source, handler), handler, options }
}

/**
 * Subscribes `entry` and handles its messages one after the other until stopped. A handler's error
 * is logged and the loop goes on; a lost connection ends the loop (logged). Stopping does not
 * unsubscribe unless `unsubscribeOnStop` (a persistent session keeps its subscriptions), and never
 * loses a message: a read waiting when the stop comes gives up without taking one.
 * @throws what `subscribe()` throws (the broker refused the filter, the client closed).
 */
export async function startHandler(
  client: Client,
  entry: HandlerEntry,
  log: FastifyBaseLogger,
  unsubscribeOnStop: boolean,
): Promise<Task> {
  // core strips the named wildcards on the wire and gives message.params
  const subscription = await client.subscribe(entry.source, entry.options)
  const stop = new AbortController()
  const handlerLog = log.child({ filter: entry.source })
  return {
    stop: () => stop.abort(),
    done: run(subscription, entry, handlerLog, stop.signal, unsubscribeOnStop),
  }
}

async function run(
  subscription: Subscription,
  entry: HandlerEntry,
  log: FastifyBaseLogger,
  signal: AbortSignal,
  unsubscribeOnStop: boolean,
): Promise<void> {
  try {
    await handleMessages(subscription, (message) => entry.handler(message, { params: message.params, log }), {
      signal,
      onError: (error, message) =>
        log.error({ err: error, topic: message.topic.value }, 'MQTT subscription handler failed'),
    })
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
