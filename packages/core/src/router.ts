import { TopicTrie } from '@await-mqtt/topic-trie'
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

function deliver(streams: BufferedMessageStream[], message: Message): void {
  if (streams.length === 1) {
    streams[0]?.push(message)
    return
  }
  for (const stream of new Set(streams)) stream.push(message)
}

/**
 * Routes incoming messages to message streams through topic tries, so the cost per message grows
 * with the topic's depth and the number of matches, not the number of streams. Every matching
 * stream gets each received message exactly once, however many of its filters match.
 * Streams outlive any one MQTT.js connection: the router is fed by whichever connection is current.
 */
export class Router {
  readonly #filtered = new TopicTrie<BufferedMessageStream>()
  readonly #subscriptions = new TopicTrie<BufferedMessageStream>()
  readonly #unfiltered = new Set<BufferedMessageStream>()
  readonly #all = new Set<BufferedMessageStream>()

  /** How many streams are registered. */
  get size(): number {
    return this.#all.size
  }

  /**
   * Registers `stream` under the given match filters (already stripped of `$share/{group}/`).
   * @returns a function that unregisters it (idempotent).
   */
  add(stream: BufferedMessageStream, kind: RouteKind, filters: readonly string[] = []): () => void {
    this.#all.add(stream)
    if (kind === 'unfiltered') this.#unfiltered.add(stream)
    else {
      const trie = kind === 'filtered' ? this.#filtered : this.#subscriptions
      for (const filter of filters) trie.add(filter, stream)
    }
    let removed = false
    return () => {
      if (removed) return
      removed = true
      this.#all.delete(stream)
      if (kind === 'unfiltered') this.#unfiltered.delete(stream)
      else {
        const trie = kind === 'filtered' ? this.#filtered : this.#subscriptions
        for (const filter of filters) trie.remove(filter, stream)
      }
    }
  }

  /** Hands `message` to every stream it belongs to. */
  route(message: Message): void {
    const topic = message.topic.value
    const filtered = this.#filtered.size === 0 ? [] : this.#filtered.match(topic)
    if (filtered.length > 0) deliver(filtered, message)
    else for (const stream of this.#unfiltered) stream.push(message)
    if (this.#subscriptions.size > 0) {
      const own = this.#subscriptions.match(topic)
      if (own.length > 0) deliver(own, message)
    }
  }

  /** Ends every stream (readers get what is buffered, then the end or `error`) and forgets them. */
  endAll(error?: unknown): void {
    const streams = [...this.#all]
    this.#all.clear()
    this.#unfiltered.clear()
    this.#filtered.clear()
    this.#subscriptions.clear()
    for (const stream of streams) stream.end(error)
  }
}
