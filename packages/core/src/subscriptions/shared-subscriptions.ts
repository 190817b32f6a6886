import type { Client } from '../client.js'
import type { Message } from '../incoming/message.js'
import type { MessageStream, ReadOptions } from '../incoming/message-stream.js'
import type { QoS, QueueOptions } from '../options/client-options.js'
import type { Subscription } from './subscription.js'

/**
 * Options of {@link SharedSubscriptions.open}: the reader's own queue bounds, and the QoS the
 * broker subscription is made with.
 * @example
 * await shared.open('alerts/#', { qos: 1, maxQueued: 100, overflow: 'drop-oldest' })
 */
export interface SharedStreamOptions extends QueueOptions {
  /** QoS of the broker subscription; the first reader of a filter subscribes, with its QoS. @default 0 */
  qos?: QoS
}

/**
 * Options of the {@link SharedSubscriptions} constructor.
 * @example
 * new SharedSubscriptions(client, { onUnsubscribeError: (err, filter) => log.warn({ err, filter }) })
 */
export interface SharedSubscriptionsOptions {
  /**
   * Told when the UNSUBSCRIBE of a filter no reader holds any more fails (the client is still open);
   * nobody awaits that UNSUBSCRIBE, so this is where its failure is seen. @default ignores it
   */
  onUnsubscribeError?: (error: unknown, filter: string) => void
}

interface Entry {
  /** How many readers hold the filter. */
  count: number
  /** The hold on the filter while the broker has it; never read, so it queues one message at most. */
  subscription: Subscription | undefined
  /** The last SUBSCRIBE failure, handed to the readers that waited for it. */
  error: unknown
  /** Every SUBSCRIBE/UNSUBSCRIBE of this filter, one after the other. */
  queue: Promise<void>
}

/**
 * Reference-counted broker subscriptions for many readers of the same filters (an SSE bridge with
 * one reader per browser): one SUBSCRIBE per filter however many readers, the last reader leaving
 * unsubscribes. Each reader gets its own bounded queue (`maxQueued`, `overflow`), so a slow reader
 * drops its own messages and never holds up the others or the client. Calls for one filter run one
 * after the other: a reader opened while the last one's UNSUBSCRIBE is under way subscribes again.
 * Releasing goes through `Subscription.unsubscribe()`, so a filter the program subscribed by itself
 * stays subscribed. A new reader of a filter already held gets no retained messages (no SUBSCRIBE
 * is sent for it).
 * @example
 * const shared = new SharedSubscriptions(client)
 * await using events = await shared.open('sensors/#', { qos: 1, maxQueued: 100 })
 * for await (const message of events) console.log(message.topic.value)
 */
export class SharedSubscriptions {
  readonly #client: Client
  readonly #entries = new Map<string, Entry>()
  readonly #onUnsubscribeError: (error: unknown, filter: string) => void

  constructor(client: Client, { onUnsubscribeError = () => {} }: SharedSubscriptionsOptions = {}) {
    this.#client = client
    this.#onUnsubscribeError = onUnsubscribeError
  }

  /** How many filters are held (subscribed, or being subscribed or unsubscribed). */
  get size(): number {
    return this.#entries.size
  }

  /**
   * A stream of the messages matching `filter`, once the broker granted it. Closing the stream (or
   * ending a `for await` loop over it) releases the filter.
   * @throws {@link MqttValidationError} for an invalid filter or queue option; what `subscribe()`
   * throws when the broker refuses the filter (then nothing is held).
   */
  async open(filter: string, { qos = 0, ...queue }: SharedStreamOptions = {}): Promise<MessageStream> {
    // The stream exists before the SUBSCRIBE, so the retained messages it brings are not missed.
    const messages = this.#client.messages(filter, queue)
    let release: () => Promise<void>
    try {
      release = await this.#acquire(filter, qos)
    } catch (error) {
      messages.close()
      throw error
    }
    return new SharedStream(messages, release)
  }

  /** Holds `filter` until the returned release runs; rejects, holding nothing, when refused. */
  async #acquire(filter: string, qos: QoS): Promise<() => Promise<void>> {
    let entry = this.#entries.get(filter)
    if (entry === undefined) {
      entry = { count: 0, subscription: undefined, error: undefined, queue: Promise.resolve() }
      this.#entries.set(filter, entry)
    }
    const held = entry
    held.count += 1
    await this.#reconcile(filter, held, qos)
    if (held.subscription === undefined) {
      const { error } = held
      held.count -= 1
      await this.#reconcile(filter, held, qos)
      throw error
    }
    return () => {
      held.count -= 1
      return this.#reconcile(filter, held, qos)
    }
  }

  /** Queues one step that brings the broker in line with the count, whatever happened meanwhile. */
  #reconcile(filter: string, entry: Entry, qos: QoS): Promise<void> {
    entry.queue = entry.queue.then(async () => {
      if (entry.count > 0 && entry.subscription === undefined) {
        entry.error = undefined
        try {
          entry.subscription = await this.#client.subscribe(filter, {
            qos,
            maxQueued: 1,
            overflow: 'drop-newest',
          })
        } catch (error) {
          entry.error = error
        }
      } else if (entry.count === 0 && entry.subscription !== undefined) {
        const { subscription } = entry
        entry.subscription = undefined
        // A closed client has no subscriptions left to remove: they ended with its connection.
        await subscription.unsubscribe().catch((error: unknown) => {
          if (!this.#client.closed) this.#onUnsubscribeError(error, filter)
        })
      }
      if (entry.count === 0 && entry.subscription === undefined && this.#entries.get(filter) === entry) {
        this.#entries.delete(filter)
      }
    })
    return entry.queue
  }
}

/** A reader's stream: its own queue, and the filter released (once) when it closes. */
class SharedStream implements MessageStream {
  readonly #messages: MessageStream
  readonly #release: () => Promise<void>
  #released: Promise<void> | undefined

  constructor(messages: MessageStream, release: () => Promise<void>) {
    this.#messages = messages
    this.#release = release
  }

  get filter(): string | undefined {
    return this.#messages.filter
  }

  get dropped(): number {
    return this.#messages.dropped
  }

  get queued(): number {
    return this.#messages.queued
  }

  next(): Promise<IteratorResult<Message, undefined>> {
    return this.#messages.next()
  }

  read(options?: ReadOptions): Promise<Message | undefined> {
    return this.#messages.read(options)
  }

  async return(): Promise<IteratorResult<Message, undefined>> {
    this.close()
    return { done: true, value: undefined }
  }

  close(): void {
    this.#messages.close()
    // Nobody awaits a release from close(): failures go to onUnsubscribeError.
    this.#released ??= this.#release()
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  /** Closes, and waits until the filter was unsubscribed when this was its last reader. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close()
    await this.#released
  }
}
