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
  readonly #byFilter = new Map<string, Set<S>>()
  readonly #all = new Set<S>()
  /** The MQTT 5 Subscription Identifier of each held filter (kept while it is held, reused to resubscribe). */
  readonly identifiers = new FilterIdentifiers()

  /** Every live subscription. */
  get subscriptions(): ReadonlySet<S> {
    return this.#all
  }

  /** Every filter held by at least one subscription. */
  filters(): string[] {
    return [...this.#byFilter.keys()]
  }

  add(subscription: S, filters: readonly string[]): void {
    this.#all.add(subscription)
    for (const filter of filters) {
      let holders = this.#byFilter.get(filter)
      if (holders === undefined) {
        holders = new Set()
        this.#byFilter.set(filter, holders)
      }
      holders.add(subscription)
    }
  }

  /** Whether any subscription holds `filter`. */
  held(filter: string): boolean {
    return this.#byFilter.has(filter)
  }

  /**
   * Removes `subscription`'s hold on `filters` (or on everything, when it holds nothing else).
   * @returns the filters no subscription holds any more.
   */
  remove(subscription: S, filters: readonly string[], last: boolean): string[] {
    const orphans: string[] = []
    for (const filter of filters) {
      const holders = this.#byFilter.get(filter)
      if (!holders?.delete(subscription)) continue
      if (holders.size === 0) {
        this.#byFilter.delete(filter)
        this.identifiers.forget(filter)
        orphans.push(filter)
      }
    }
    if (last) this.#all.delete(subscription)
    return orphans
  }

  /** After a successful UNSUBSCRIBE of `filters`: every holder forgets them. */
  unsubscribed(filters: readonly string[]): void {
    const affected = new Set<S>()
    for (const filter of filters) {
      for (const holder of this.#byFilter.get(filter) ?? []) affected.add(holder)
      this.#byFilter.delete(filter)
      this.identifiers.forget(filter)
    }
    for (const holder of affected) holder.forget(filters)
  }

  /** Ends every subscription and forgets them all. */
  endAll(): void {
    const all = [...this.#all]
    this.#all.clear()
    this.#byFilter.clear()
    this.identifiers.clear()
    for (const subscription of all) subscription.end()
  }

  /**
   * Which subscriptions (and whether the other streams) take this copy of a PUBLISH, by the
   * Subscription Identifiers it carries; `undefined` when they cannot tell (route by topic).
   */
  routing(message: Message): CopyRouting<S> | undefined {
    return this.identifiers.route(message, (filter) => this.#byFilter.get(filter) ?? [])
  }
}
