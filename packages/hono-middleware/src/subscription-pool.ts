import type { Client, QoS } from '@await-mqtt/core'

interface Entry {
  /** How many leases hold the filter. */
  count: number
  /** Whether the broker has a subscription for it right now. */
  subscribed: boolean
  /** The last SUBSCRIBE failure, handed to the leases that waited for it. */
  error: unknown
  /** Every SUBSCRIBE/UNSUBSCRIBE for this filter, one after the other. */
  queue: Promise<void>
}

/**
 * Reference-counted broker subscriptions, one per filter: the first lease subscribes, the last
 * release unsubscribes, so one browser leaving never unsubscribes another. Calls for one filter
 * run one after the other, so a lease taken while the last release is unsubscribing subscribes again.
 */
export class SubscriptionPool {
  readonly #client: Client
  readonly #entries = new Map<string, Entry>()
  readonly #onUnsubscribeError: (error: unknown, filter: string) => void

  constructor(client: Client, onUnsubscribeError: (error: unknown, filter: string) => void) {
    this.#client = client
    this.#onUnsubscribeError = onUnsubscribeError
  }

  /** How many leases hold `filter` (0 when none). */
  count(filter: string): number {
    return this.#entries.get(filter)?.count ?? 0
  }

  /**
   * Holds `filter` until the returned release runs; resolves once the broker granted it.
   * Rejects (holding nothing) when the broker refused it.
   */
  async acquire(filter: string, qos: QoS): Promise<() => Promise<void>> {
    let entry = this.#entries.get(filter)
    if (entry === undefined) {
      entry = { count: 0, subscribed: false, error: undefined, queue: Promise.resolve() }
      this.#entries.set(filter, entry)
    }
    entry.count += 1
    await this.#reconcile(filter, entry, qos)
    if (!entry.subscribed) {
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
      if (entry.count > 0 && !entry.subscribed) {
        try {
          await this.#client.subscribe(filter, { qos })
          entry.subscribed = true
        } catch (error) {
          entry.error = error
        }
      } else if (entry.count === 0 && entry.subscribed) {
        entry.subscribed = false
        // A closed client has no subscriptions left to remove: they ended with its connection.
        if (!this.#client.closed) {
          await this.#client.unsubscribe(filter).catch((error: unknown) => {
            if (!this.#client.closed) this.#onUnsubscribeError(error, filter)
          })
        }
      }
      if (entry.count === 0 && !entry.subscribed && this.#entries.get(filter) === entry) {
        this.#entries.delete(filter)
      }
    })
    return entry.queue
  }
}
