import { matches, TopicTrie, validateFilter } from '@await-mqtt/topic-trie'

const noMatches: readonly never[] = Object.freeze([])

/**
 * Up to this many (filter, value) pairs are kept in a list and matched one by one; the trie is
 * built past that. A client with one subscription keeps a short list, not a trie of nodes (a
 * process holding thousands of idle clients saves 250 B each); a few filters match as fast either way.
 */
const listedAtMost = 8

/**
 * A {@link TopicTrie} that remembers its matches for the last topic it was asked about, so a client
 * receiving one topic after another walks the trie once per change of topic, not once per message.
 * Every change to the trie forgets them. The arrays returned are shared: read them, never modify them.
 */
export class CachingTrie<V> {
  /** The pairs while there are few (see {@link listedAtMost}): filters and values, alternating. */
  // Copied on every change, never pushed to: a pushed array grows to 17 slots (150 B) at once.
  #listed: readonly (string | V)[] | undefined = noMatches
  #trie: TopicTrie<V> | undefined
  #lastTopic: string | undefined
  #lastMatches: readonly V[] = noMatches

  /** The number of (filter, value) pairs stored. */
  get size(): number {
    return this.#listed === undefined ? (this.#trie?.size ?? 0) : this.#listed.length / 2
  }

  add(filter: string, value: V): void {
    this.#lastTopic = undefined
    const listed = this.#listed
    if (listed === undefined) {
      this.#trie?.add(filter, value)
      return
    }
    // As the trie would: an invalid filter is refused.
    validateFilter(filter)
    if (listed.length / 2 < listedAtMost) {
      // Exactly sized (a spread or push would leave room for 17).
      const next = new Array<string | V>(listed.length + 2)
      for (let index = 0; index < listed.length; index++) next[index] = listed[index] as string | V
      next[listed.length] = filter
      next[listed.length + 1] = value
      this.#listed = next
      return
    }
    const trie = new TopicTrie<V>()
    for (let index = 0; index < listed.length; index += 2)
      trie.add(listed[index] as string, listed[index + 1] as V)
    trie.add(filter, value)
    this.#trie = trie
    this.#listed = undefined
  }

  remove(filter: string, value: V): void {
    this.#lastTopic = undefined
    const listed = this.#listed
    if (listed === undefined) {
      this.#trie?.remove(filter, value)
      return
    }
    for (let index = 0; index < listed.length; index += 2) {
      if (listed[index] === filter && listed[index + 1] === value) {
        this.#listed = listed.slice(0, index).concat(listed.slice(index + 2))
        return
      }
    }
  }

  clear(): void {
    this.#listed = noMatches
    this.#trie = undefined
    this.#lastTopic = undefined
  }

  /** Every value stored, once per filter it is stored under. */
  *values(): IterableIterator<V> {
    const listed = this.#listed
    if (listed !== undefined) {
      for (let index = 1; index < listed.length; index += 2) yield listed[index] as V
      return
    }
    for (const [, values] of this.#trie ?? []) yield* values
  }

  /** Every value whose filter matches `topic` (see {@link TopicTrie.match}). */
  match(topic: string): readonly V[] {
    if (topic === this.#lastTopic) return this.#lastMatches
    const found = this.#find(topic)
    const matches = found.length === 0 ? noMatches : found
    this.#lastTopic = topic
    this.#lastMatches = matches
    return matches
  }

  #find(topic: string): readonly V[] {
    const listed = this.#listed
    if (listed === undefined) {
      const trie = this.#trie
      return trie === undefined || trie.size === 0 ? noMatches : trie.match(topic)
    }
    let found: V[] | undefined
    for (let index = 0; index < listed.length; index += 2) {
      if (!matches(listed[index] as string, topic)) continue
      found ??= []
      found.push(listed[index + 1] as V)
    }
    return found ?? noMatches
  }
}
