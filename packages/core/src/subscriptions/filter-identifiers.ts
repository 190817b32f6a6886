import { matches, parseShared, TopicTrie } from '@await-mqtt/topic-trie'
import type { Message } from '../incoming/message.js'

/** How the filters are matched (as by the trie: identifiers are MQTT 5 only). */
const mqtt5 = { protocolVersion: 5 } as const

/** The largest MQTT 5 Subscription Identifier (a variable byte integer). */
export const maxSubscriptionIdentifier = 268_435_455

/** One topic filter held on the broker, and the Subscription Identifier its SUBSCRIBE carried. */
interface FilterEntry {
  readonly filter: string
  /** The filter messages match, without `$share/{group}/`. */
  readonly match: string
  readonly shared: boolean
  /** `undefined`: not known (the user chose the identifier, or none was sent). */
  id: number | undefined
  /** An UNSUBSCRIBE for it is on its way: the broker may or may not send its copies any more. */
  leaving: boolean
}

/** Filters to send in one SUBSCRIBE, with the identifier it carries (`undefined`: none of ours). */
export interface SubscribeGroup {
  readonly id: number | undefined
  readonly filters: string[]
}

/** Which streams a received copy of a PUBLISH is for, decided by the identifiers it carries. */
export interface CopyRouting<S> {
  /** Whether `messages(filter)` and `messages()` streams take this copy. */
  readonly streams: boolean
  /** The subscriptions that take this copy. */
  readonly subscriptions: ReadonlySet<S>
}

/** Whether some topic could match both filters (errs towards `true`, e.g. for `#` and `$SYS/x`). */
export function overlaps(a: string, b: string): boolean {
  const left = a.split('/')
  const right = b.split('/')
  for (let level = 0; ; level++) {
    const x = left[level]
    const y = right[level]
    if (x === '#' || y === '#') return true
    if (x === undefined || y === undefined) return x === y
    if (x !== '+' && y !== '+' && x !== y) return false
  }
}

/**
 * Whether a copy carrying `ids` is the one to deliver, for a receiver whose held filters matching
 * the topic are `entries`: the copy of the non-shared filter with the smallest identifier (which
 * the broker sends whether it sends one copy per subscription or one copy with every identifier).
 * With only shared filters (a group may pick another client), or only filters being unsubscribed
 * (the broker may have stopped sending their copies), any copy of one of them.
 */
function accepts(entries: readonly FilterEntry[], ids: readonly number[]): boolean {
  let smallest: number | undefined
  for (const { shared, leaving, id } of entries) {
    if (!shared && !leaving && (smallest === undefined || (id as number) < smallest)) smallest = id
  }
  if (smallest !== undefined) return ids.includes(smallest)
  const staying = entries.filter((entry) => !entry.leaving)
  return (staying.length > 0 ? staying : entries).some((entry) => ids.includes(entry.id as number))
}

/**
 * MQTT 5 Subscription Identifiers, one per held topic filter, so that overlapping subscriptions
 * (for which the broker may send one PUBLISH per matching subscription) still give every stream
 * each publication once. An identifier stays with its filter while any subscription holds it:
 * subscribing to the filter again, or resubscribing after a reconnect, reuses it. Identifiers are
 * handed out in increasing order and not reused until they wrap around, so the oldest filter
 * matching a topic decides which copy the streams get — stable while filters come and go.
 */
export class FilterIdentifiers {
  // The first filter held is kept alone (most clients hold one): its identifier is the only one in
  // use and a topic is matched against it directly. The maps and the trie (about 800 B) are made
  // for a second filter. Under MQTT 3.1.1 a client builds none of them.
  #one: FilterEntry | undefined
  #entries: Map<string, FilterEntry> | undefined
  #trie: TopicTrie<FilterEntry> | undefined
  /** How many filters hold each identifier (with {@link #entries}). */
  #inUse: Map<number, number> | undefined
  #next: number

  /** @param next the first identifier to hand out. */
  constructor(next = 1) {
    this.#next = next
  }

  /** How many filters have an entry. */
  get size(): number {
    return this.#entries?.size ?? (this.#one === undefined ? 0 : 1)
  }

  /** The identifier of `filter`, if it has one of ours. */
  get(filter: string): number | undefined {
    return this.#find(filter)?.id
  }

  #find(filter: string): FilterEntry | undefined {
    if (this.#entries !== undefined) return this.#entries.get(filter)
    return this.#one?.filter === filter ? this.#one : undefined
  }

  /**
   * Identifiers for `filters` (held by a subscription being made): a filter that has one keeps it;
   * new filters share a fresh one unless they overlap, then they get one each so that no topic
   * matches two filters of the same identifier. With `user` (an identifier the caller chose),
   * nothing is assigned and these filters are marked unknown (their copies go everywhere they match).
   * @returns the SUBSCRIBE packets to send, in the order of their first filter.
   */
  assign(filters: readonly string[], user = false): SubscribeGroup[] {
    if (user) {
      for (const filter of filters) this.#entry(filter, undefined)
      return [{ id: undefined, filters: [...filters] }]
    }
    const groups: { id: number | undefined; filters: string[]; matches: string[] }[] = []
    const fresh: typeof groups = []
    for (const filter of filters) {
      const existing = this.#find(filter)
      if (existing) {
        const group = groups.find((candidate) => candidate.id === existing.id)
        if (group) group.filters.push(filter)
        else groups.push({ id: existing.id, filters: [filter], matches: [] })
        continue
      }
      const match = parseShared(filter)?.filter ?? filter
      let group = fresh.find((candidate) => candidate.matches.every((other) => !overlaps(other, match)))
      if (group === undefined) {
        group = { id: this.#allocate(), filters: [], matches: [] }
        fresh.push(group)
        groups.push(group)
      }
      group.filters.push(filter)
      group.matches.push(match)
      this.#entry(filter, group.id)
    }
    return groups.map(({ id, filters: members }) => ({ id, filters: members }))
  }

  /** The groups to send `filters` again with (after a reconnect): each keeps its identifier. */
  groups(filters: readonly string[]): SubscribeGroup[] {
    const groups: { id: number | undefined; filters: string[] }[] = []
    for (const filter of filters) {
      const id = this.#find(filter)?.id
      const group = groups.find((candidate) => candidate.id === id)
      if (group) group.filters.push(filter)
      else groups.push({ id, filters: [filter] })
    }
    return groups
  }

  /**
   * An UNSUBSCRIBE for `filters` is sent (`true`) or failed (`false`): until it succeeds, their
   * copies may or may not come, so they no longer decide which copy the streams take.
   */
  leave(filters: readonly string[], leaving: boolean): void {
    for (const filter of filters) {
      const entry = this.#find(filter)
      if (entry) entry.leaving = leaving
    }
  }

  /** No subscription holds `filter` any more: its identifier is free. */
  forget(filter: string): void {
    const entry = this.#find(filter)
    if (entry === undefined) return
    if (entry === this.#one) this.#one = undefined
    this.#entries?.delete(filter)
    this.#trie?.remove(entry.match, entry)
    this.#release(entry.id)
  }

  clear(): void {
    this.#one = undefined
    this.#entries = undefined
    this.#trie = undefined
    this.#inUse = undefined
  }

  /**
   * Who takes this copy of a PUBLISH, or `undefined` when the identifiers cannot tell (none
   * carried, no held filter matches, or one of them has an unknown identifier): then every
   * matching stream takes it, as under MQTT 3.1.1.
   */
  route<S>(message: Message, holders: (filter: string) => Iterable<S>): CopyRouting<S> | undefined {
    const carried = message.properties.subscriptionIdentifier
    if (carried === undefined) return undefined
    const matched = this.#match(message.topic.value)
    if (matched.length === 0 || matched.some((entry) => entry.id === undefined)) return undefined
    const ids = typeof carried === 'number' ? [carried] : carried
    const byHolder = new Map<S, FilterEntry[]>()
    for (const entry of matched) {
      for (const holder of holders(entry.filter)) {
        const entries = byHolder.get(holder)
        if (entries) entries.push(entry)
        else byHolder.set(holder, [entry])
      }
    }
    const subscriptions = new Set<S>()
    for (const [holder, entries] of byHolder) if (accepts(entries, ids)) subscriptions.add(holder)
    return { streams: accepts(matched, ids), subscriptions }
  }

  /** The held filters' entries that `topic` matches. */
  #match(topic: string): FilterEntry[] {
    if (this.#trie !== undefined) return this.#trie.match(topic)
    const one = this.#one
    return one !== undefined && matches(one.match, topic, mqtt5) ? [one] : []
  }

  #entry(filter: string, id: number | undefined): void {
    const existing = this.#find(filter)
    if (existing) {
      this.#release(existing.id)
      existing.id = id
      existing.leaving = false
      this.#use(id)
      return
    }
    const shared = parseShared(filter)
    const entry: FilterEntry = {
      filter,
      match: shared?.filter ?? filter,
      shared: shared !== undefined,
      id,
      leaving: false,
    }
    if (this.#entries === undefined && this.#one === undefined) {
      this.#one = entry
      return
    }
    this.#add(entry)
  }

  /** Adds an entry to the maps and the trie, made (with the lone entry in them) by the second one. */
  #add(entry: FilterEntry): void {
    if (this.#entries === undefined) {
      this.#entries = new Map()
      this.#trie = new TopicTrie()
      this.#inUse = new Map()
      const one = this.#one
      this.#one = undefined
      if (one !== undefined) this.#add(one)
    }
    this.#entries.set(entry.filter, entry)
    this.#trie?.add(entry.match, entry)
    this.#use(entry.id)
  }

  /** One more filter holds `id` (counted once there are maps: alone, the entry says it). */
  #use(id: number | undefined): void {
    const inUse = this.#inUse
    if (id !== undefined && inUse !== undefined) inUse.set(id, (inUse.get(id) ?? 0) + 1)
  }

  #release(id: number | undefined): void {
    if (id === undefined) return
    const inUse = this.#inUse
    if (inUse === undefined) return
    const count = (inUse.get(id) ?? 1) - 1
    if (count === 0) inUse.delete(id)
    else inUse.set(id, count)
  }

  #allocate(): number {
    for (;;) {
      const id = this.#next
      this.#next = id === maxSubscriptionIdentifier ? 1 : id + 1
      const taken = this.#inUse !== undefined ? this.#inUse.has(id) : this.#one?.id === id
      if (!taken) return id
    }
  }
}
