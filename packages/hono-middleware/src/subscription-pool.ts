import type { Client, QoS, Subscription } from '@await-mqtt/core'

interface Entry {
  /** How many leases hold the filter. */
  count: number
  /** The pool's hold on the filter while the broker has it. */
  subscription: Subscription | undefined
  /** The last SUBSCRIBE failure, handed to the leases that waited for it. */
  error: unknown
  /** Every SUBSCRIBE/UNSUBSCRIBE for this filter, one after the other. */
  queue: Promise<void>
}

/**
 * Reference-counted broker subscriptions, one per filter: the first lease subscribes, the last
 * release unsubscribes, so one browser leaving never unsubscribes another (and a new browser does
 * not make the broker resend retained messages to the others). Calls for one filter run one after
 * the other, so a lease taken while the last release is unsubscribing subscribes again. Releasing
 * goes through `Subscription.unsubscribe()`, so a filter the app subscribed by itself stays.
 * Readers use their own `client.messages(filter)` streams; the pool's subscription is never read,
 * so its queue holds one message at most.
 */
export class SubscriptionPool {
  readonly #client: Client
  readonly #entries = new Map<string, Entry>()
  readonly #onUnsubscribeError: (error: unknown, filter: string) => void

  constructor(client: Client, onUnsubscribeError: (error: unknown, filter: string) => void) {
    this.#client = client
    this.#onUnsubscribeError = onUnsubscribeError
  }

  /**
   * Holds `filter` until the returned release runs; resolves once the broker granted it.
   * Rejects (holding nothing) when the broker refused it.
   */
  async acquire(filter: string, qos: QoS): Promise<() => Promise<void>> {
    let entry = this.#entries.get(filter)
    if (entry === undefined) {
      entry = { count: 0, subscription: undefined, error: undefined, queue: Promise.resolve() }
      this.#entries.set(filter, entry)
    }
    entry.count += 1
    await this.#reconcile(filter, entry, qos)
    if (entry.subscription === undefined) {
      const { error } = entry
      await this.#drop(filter, entry, qos)
      throw error
    }
    let released = false
    return async () => {
      if (released) return
      released = true
      await this.#drop(filter, entry, qos)
    }
  }

  async #drop(filter: string, entry: Entry, qos: QoS): Promise<void> {
    entry.count -= 1
    await this.#reconcile(filter, entry, qos)
  }

  /** Queues one step that brings the broker in line with the count, whatever happened meanwhile. */
  #reconcile(filter: string, entry: Entry, qos: QoS): Promise<void> {
    entry.queue = entry.queue.then(async () => {
      if (entry.count > 0 && entry.subscription === undefined) {
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
