import { TopicTrie } from '@await-mqtt/topic-trie'

const noMatches: readonly never[] = Object.freeze([])

/**
 * A {@link TopicTrie} that remembers its matches for the last topic it was asked about, so a client
 * receiving one topic after another walks the trie once per change of topic, not once per message.
 * Every change to the trie forgets them. The arrays returned are shared: read them, never modify them.
 */
export class CachingTrie<V> {
  readonly #trie = new TopicTrie<V>()
  #lastTopic: string | undefined
  #lastMatches: readonly V[] = noMatches

  /** The number of (filter, value) pairs stored. */
  get size(): number {
    return this.#trie.size
  }

  add(filter: string, value: V): void {
    this.#trie.add(filter, value)
    this.#lastTopic = undefined
  }

  remove(filter: string, value: V): void {
    this.#trie.remove(filter, value)
    this.#lastTopic = undefined
  }

  clear(): void {
    this.#trie.clear()
    this.#lastTopic = undefined
  }

  /** Every value stored, once per filter it is stored under. */
  *values(): IterableIterator<V> {
    for (const [, values] of this.#trie) yield* values
  }

  /** Every value whose filter matches `topic` (see {@link TopicTrie.match}). */
  match(topic: string): readonly V[] {
    if (topic === this.#lastTopic) return this.#lastMatches
    const found = this.#trie.size === 0 ? noMatches : this.#trie.match(topic)
    const matches = found.length === 0 ? noMatches : found
    this.#lastTopic = topic
    this.#lastMatches = matches
    return matches
  }
}
