import type { Message } from '../incoming/message.js'
import type { ReadOptions } from '../incoming/message-stream.js'

/** What {@link handleMessages} reads from: a `Subscription` or a `MessageStream` (with a schema too). */
export interface MessageSource<Item = Message> {
  read(options?: ReadOptions): Promise<Item | undefined>
}

/**
 * Options of {@link handleMessages}.
 * @example
 * await handleMessages(subscription, save, { signal, onError: (error, message) => log.error({ error, topic: message.topic.value }) })
 */
export interface HandleMessagesOptions<Item = Message> {
  /**
   * Ends the loop: a read waiting for a message gives up without taking one (a later reader gets
   * it); a message being handled is handled to the end first.
   */
  signal?: AbortSignal
  /** Called with a handler's error (thrown or rejected) and its message (or validated item); the loop goes on. @default the loop rejects with it */
  onError?: (error: unknown, item: Item) => void
}

/**
 * Handles the messages of a subscription or stream one after the other until `signal` aborts
 * (resolves) or the source ends (resolves; rejects with what ended it, e.g. a lost connection).
 * The loop the Fastify plugin's and the Hono lifespan's `handle()` run: stopping it never loses a
 * message, as racing an iterator against a stop signal would.
 * @example
 * const stop = new AbortController()
 * await using subscription = await client.subscribe('jobs/+id', { qos: 1 })
 * const done = handleMessages(subscription, (job) => run(job.params.id), { signal: stop.signal })
 */
export async function handleMessages<Item>(
  source: MessageSource<Item>,
  handler: (item: Item) => unknown,
  { signal, onError }: HandleMessagesOptions<Item> = {},
): Promise<void> {
  while (signal?.aborted !== true) {
    let message: Item | undefined
    try {
      message = await source.read(signal === undefined ? undefined : { signal })
    } catch (error) {
      if (signal?.aborted && error === signal.reason) return
      throw error
    }
    if (message === undefined) return
    try {
      await handler(message)
    } catch (error) {
      if (onError === undefined) throw error
      onError(error, message)
    }
  }
}
