import { CachingTrie } from './caching-trie.js'
import type { Message } from './message.js'
import type { BufferedMessageStream } from './message-stream.js'

/** How a stream takes part in routing. */
export type RouteKind =
  /** `client.messages(filter)`: gets every match; a match keeps the message from the unfiltered streams. */
  | 'filtered'
  /** A Subscription's own stream: gets every match, and does not affect the unfiltered streams. */
  | 'subscription'
  /** `client.messages()`: gets what no filtered stream matched. */
  | 'unfiltered'

function deliver(streams: readonly BufferedMessageStream[], message: Message): void {
  if (streams.length === 1) {
    streams[0]?.push(message)
    return
  }
  for (const stream of new Set(streams)) stream.push(message)
}

/**
 * Which streams one received copy of a PUBLISH is for, when MQTT 5 Subscription Identifiers tell
 * (see subscription-identifiers.ts): the broker may send one copy per matching subscription.
 */
export interface CopyTargets {
  /** Whether the `messages(filter)` and `messages()` streams take this copy. */
  readonly streams: boolean
  /** The subscription streams that take it (instead of every subscription stream that matches). */
  readonly subscriptions: Iterable<BufferedMessageStream>
}

/** Told by a {@link Router} of each stream registered (an object: no closure per client). */
export interface RouterOwner {
  created(): void
}

/** No `messages()` stream: one empty list for every router (the list is replaced, never changed). */
const noStreams: readonly BufferedMessageStream[] = Object.freeze([])

/**
 * Routes incoming messages to message streams through topic tries, so the cost per message grows
 * with the topic's depth and the number of matches, not the number of streams. Every matching
 * stream gets each received message exactly once, however many of its filters match.
 * Streams outlive any one MQTT.js connection: the router is fed by whichever connection is current.
 */
export class Router {
  // Each trie is made by the first stream of its kind: a client with one subscription never builds
  // the `messages(filter)` trie (with thousands of idle clients in a process, every object counts).
  #filtered: CachingTrie<BufferedMessageStream> | undefined
  #subscriptions: CachingTrie<BufferedMessageStream> | undefined
  /** The `messages()` streams, in the order they were added (an array: no iterator per message). */
  #unfiltered: readonly BufferedMessageStream[] = noStreams
  /** How many streams are registered (they are found in the tries and the list, not in a Set of their own). */
  #size = 0
  readonly #owner: RouterOwner | undefined

  /** @param owner told whenever a stream is registered. */
  constructor(owner?: RouterOwner) {
    this.#owner = owner
  }

  /** How many streams are registered. */
  get size(): number {
    return this.#size
  }

  /**
   * Registers `stream` under the given match filters (already stripped of `$share/{group}/`).
   * @returns a function that unregisters it (idempotent).
   */
  add(stream: BufferedMessageStream, kind: RouteKind, filters: readonly string[] = []): () => void {
    this.register(stream, kind, filters)
    let removed = false
    return () => {
      if (removed) return
      removed = true
      this.remove(stream, kind, filters)
    }
  }

  /**
   * {@link add} without the function that unregisters: call {@link remove} with the same arguments
   * once (an owner that remembers them keeps no closure).
   */
  register(stream: BufferedMessageStream, kind: RouteKind, filters: readonly string[]): void {
    this.#size++
    stream.routed = true
    if (kind === 'unfiltered') this.#unfiltered = [...this.#unfiltered, stream]
    else {
      let trie: CachingTrie<BufferedMessageStream>
      if (kind === 'filtered') {
        this.#filtered ??= new CachingTrie()
        trie = this.#filtered
      } else {
        this.#subscriptions ??= new CachingTrie()
        trie = this.#subscriptions
      }
      for (const filter of filters) trie.add(filter, stream)
    }
    this.#owner?.created()
  }

  /** Unregisters what {@link register} registered (once). */
  remove(stream: BufferedMessageStream, kind: RouteKind, filters: readonly string[]): void {
    // After endAll() it is no longer counted.
    if (stream.routed) {
      stream.routed = false
      this.#size--
    }
    if (kind === 'unfiltered') this.#unfiltered = this.#unfiltered.filter((other) => other !== stream)
    else {
      const trie = kind === 'filtered' ? this.#filtered : this.#subscriptions
      for (const filter of filters) trie?.remove(filter, stream)
    }
  }

  /**
   * Hands `message` to every stream it belongs to; with `copy`, only to the streams that take this
   * copy of it (each still by its filters).
   */
  route(message: Message, copy?: CopyTargets): void {
    if (copy !== undefined) {
      if (copy.streams) this.#routeStreams(message)
      for (const stream of copy.subscriptions) if (stream.routed) stream.push(message)
      return
    }
    this.#routeStreams(message)
    const subscriptions = this.#subscriptions
    if (subscriptions !== undefined && subscriptions.size > 0) {
      const own = subscriptions.match(message.topic.value)
      if (own.length > 0) deliver(own, message)
    }
  }

  #routeStreams(message: Message): void {
    const filtered = this.#filtered?.match(message.topic.value)
    if (filtered !== undefined && filtered.length > 0) deliver(filtered, message)
    else {
      const unfiltered = this.#unfiltered
      for (let index = 0; index < unfiltered.length; index++) unfiltered[index]?.push(message)
    }
  }

  /** Ends every stream (readers get what is buffered, then the end or `error`) and forgets them. */
  endAll(error?: unknown): void {
    const streams = new Set(this.#unfiltered)
    for (const trie of [this.#filtered, this.#subscriptions])
      for (const stream of trie?.values() ?? []) streams.add(stream)
    for (const stream of streams) stream.routed = false
    this.#size = 0
    this.#unfiltered = noStreams
    this.#filtered = undefined
    this.#subscriptions = undefined
    for (const stream of streams) stream.end(error)
  }
}
