import type { Message } from '../incoming/message.js'
import type { ReadOptions } from '../incoming/message-stream.js'
import type { CallOptions } from '../options/client-options.js'
import type { ActiveSubscription, GrantedFilter, MessageReader, Subscription } from './subscription.js'

/**
 * Subscriptions whose handle was garbage-collected: nobody can read their messages any more, so they
 * stop buffering them (`await client.subscribe(filter)` next to `client.messages()`, as in the quick
 * start, would otherwise keep up to `maxQueued` messages nobody reads).
 */
const dropped = new FinalizationRegistry<ActiveSubscription>((subscription) => subscription.abandon())

/**
 * A reader that keeps its {@link SubscriptionHandle} alive: a loop may read a subscription it holds
 * no other reference to (`for await (const m of await client.subscribe(filter))`).
 */
class SubscriptionReader implements AsyncIterator<Message, undefined> {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: held, never read: keeps the handle alive
  readonly #handle: SubscriptionHandle
  readonly #reader: MessageReader

  constructor(handle: SubscriptionHandle, reader: MessageReader) {
    this.#handle = handle
    this.#reader = reader
  }

  next(): Promise<IteratorResult<Message, undefined>> {
    return this.#reader.next()
  }

  return(): Promise<IteratorResult<Message, undefined>> {
    return this.#reader.return()
  }
}

/** The {@link Subscription} `client.subscribe()` resolves to: the program's handle on an {@link ActiveSubscription}. */
export class SubscriptionHandle implements Subscription {
  readonly #subscription: ActiveSubscription

  constructor(subscription: ActiveSubscription) {
    this.#subscription = subscription
    dropped.register(this, subscription)
  }

  get filters(): readonly string[] {
    return this.#subscription.filters
  }

  get granted(): readonly GrantedFilter[] {
    return this.#subscription.granted
  }

  get dropped(): number {
    return this.#subscription.dropped
  }

  get queued(): number {
    return this.#subscription.queued
  }

  unsubscribe(options?: CallOptions): Promise<void> {
    return this.#subscription.unsubscribe(options)
  }

  read(options?: ReadOptions): Promise<Message | undefined> {
    return this.#subscription.readOnce(options)
  }

  [Symbol.asyncIterator](): AsyncIterator<Message, undefined> {
    return new SubscriptionReader(this, this.#subscription.read())
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#subscription.dispose()
  }
}
