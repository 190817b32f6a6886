import type { Message } from '../incoming/message.js'
import { type CopyRouting, FilterIdentifiers } from './filter-identifiers.js'

/** What the registry needs from a subscription. */
export interface RegisteredSubscription {
  /** The subscription lost `filters` (an UNSUBSCRIBE for them succeeded). */
  forget(filters: readonly string[]): void
  /** The session ended it (connection lost or client closed). */
  end(): void
}

/**
 * Which live subscriptions hold which topic filters. Filters are reference-counted, so disposing
 * one subscription never unsubscribes a filter another one still holds; a reconnecting session
 * walks it to resubscribe.
 */
export class SubscriptionRegistry<S extends RegisteredSubscription = RegisteredSubscription> {
  /**
   * The holders of each filter: the subscription itself while it is the only one (a Set per filter
   * costs 150 B, and most filters have one holder), a Set once there are more.
   */
  // One filter is kept in two fields; a Map (150 B even when nearly empty) is made for a second.
  #oneFilter: string | undefined
  #oneHolders: S | Set<S> | undefined
  #byFilter: Map<string, S | Set<S>> | undefined
  /** Made when first asked for (MQTT 5 subscriptions): see {@link identifiers}. */
  #identifiers: FilterIdentifiers | undefined

  /** The MQTT 5 Subscription Identifier of each held filter (kept while it is held, reused to resubscribe). */
  get identifiers(): FilterIdentifiers {
    this.#identifiers ??= new FilterIdentifiers()
    return this.#identifiers
  }

  /**
   * Every live subscription, in the order of the first filter each holds. Gathered from the filters
   * when asked (resubscribing after a reconnect): a live subscription holds at least one filter.
   */
  get subscriptions(): ReadonlySet<S> {
    const all = new Set<S>()
    for (const [, holders] of this.#entries()) {
      if (holders instanceof Set) for (const holder of holders) all.add(holder)
      else all.add(holders)
    }
    return all
  }

  /** Every filter held by at least one subscription. */
  filters(): string[] {
    return [...this.#entries()].map(([filter]) => filter)
  }

  add(subscription: S, filters: readonly string[]): void {
    for (const filter of filters) {
      const holders = this.#get(filter)
      if (holders === undefined) this.#set(filter, subscription)
      else if (holders instanceof Set) holders.add(subscription)
      else if (holders !== subscription) this.#set(filter, new Set([holders, subscription]))
    }
  }

  /** Whether any subscription holds `filter`. */
  held(filter: string): boolean {
    return this.#get(filter) !== undefined
  }

  /**
   * Removes `subscription`'s hold on `filters`.
   * @returns the filters no subscription holds any more.
   */
  remove(subscription: S, filters: readonly string[]): string[] {
    const orphans: string[] = []
    for (const filter of filters) {
      const holders = this.#get(filter)
      if (holders === undefined) continue
      if (holders instanceof Set) {
        if (!holders.delete(subscription) || holders.size > 0) continue
      } else if (holders !== subscription) continue
      this.#delete(filter)
      this.#identifiers?.forget(filter)
      orphans.push(filter)
    }
    return orphans
  }

  /** After a successful UNSUBSCRIBE of `filters`: every holder forgets them. */
  unsubscribed(filters: readonly string[]): void {
    const affected = new Set<S>()
    for (const filter of filters) {
      for (const holder of this.#holders(filter)) affected.add(holder)
      this.#delete(filter)
      this.#identifiers?.forget(filter)
    }
    for (const holder of affected) holder.forget(filters)
  }

  /** Ends every subscription and forgets them all. */
  endAll(): void {
    const all = this.subscriptions
    this.#byFilter = undefined
    this.#oneFilter = undefined
    this.#oneHolders = undefined
    this.#identifiers?.clear()
    for (const subscription of all) subscription.end()
  }

  /**
   * Which subscriptions (and whether the other streams) take this copy of a PUBLISH, by the
   * Subscription Identifiers it carries; `undefined` when they cannot tell (route by topic).
   */
  routing(message: Message): CopyRouting<S> | undefined {
    return this.#identifiers?.route(message, (filter) => this.#holders(filter))
  }

  #holders(filter: string): Iterable<S> {
    const holders = this.#get(filter)
    if (holders === undefined) return []
    return holders instanceof Set ? holders : [holders]
  }

  #get(filter: string): S | Set<S> | undefined {
    if (this.#byFilter !== undefined) return this.#byFilter.get(filter)
    return filter === this.#oneFilter ? this.#oneHolders : undefined
  }

  #set(filter: string, holders: S | Set<S>): void {
    if (this.#byFilter !== undefined) this.#byFilter.set(filter, holders)
    else if (this.#oneFilter === undefined || this.#oneFilter === filter) {
      this.#oneFilter = filter
      this.#oneHolders = holders
    } else {
      this.#byFilter = new Map([[this.#oneFilter, this.#oneHolders as S | Set<S>]])
      this.#byFilter.set(filter, holders)
      this.#oneFilter = undefined
      this.#oneHolders = undefined
    }
  }

  #delete(filter: string): void {
    if (this.#byFilter !== undefined) this.#byFilter.delete(filter)
    else if (filter === this.#oneFilter) {
      this.#oneFilter = undefined
      this.#oneHolders = undefined
    }
  }

  /** Every held filter with its holders, in the order the filters were first held. */
  #entries(): Iterable<[string, S | Set<S>]> {
    if (this.#byFilter !== undefined) return this.#byFilter
    const filter = this.#oneFilter
    return filter === undefined ? [] : [[filter, this.#oneHolders as S | Set<S>]]
  }
}
