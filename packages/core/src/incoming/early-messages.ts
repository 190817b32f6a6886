import { worthCompacting } from '../helpers/queue.js'
import type { StreamLimits } from '../options/stream-limits.js'
import type { Message } from './message.js'

/** Told which messages are held (`ack: 'after-processing'` keeps their acknowledgement back meanwhile). */
export interface HoldHooks {
  hold(message: Message, holder: object): void
  release(message: Message, holder: object): void
}

/** Where held messages go once the first stream exists (an object: no closure per client). */
export interface EarlyTarget {
  routeEarly(message: Message): void
  /** The messages were handed over or discarded: nothing will be held any more. */
  earlyOver(): void
}

/**
 * Holds the messages that arrive before the client has any stream or subscription — e.g. what a
 * broker sends right after CONNACK to a persistent session (`clean: false`) — and hands them to the
 * first streams: once the first stream or subscription is created, they are routed as usual, in a
 * microtask, so every stream created in the same synchronous run gets its share. From then on a
 * message no stream takes is dropped, as before.
 *
 * Bounded by the client's queue options: `drop-oldest`/`drop-newest` as a stream would; with
 * `error`, one message more than `maxQueued` is kept, so a stream with the same bound overflows
 * (and ends with `QUEUE_OVERFLOW`) as it would have had it existed.
 */
export class EarlyMessages {
  readonly #limits: StreamLimits
  readonly #target: EarlyTarget
  readonly #hooks: HoldHooks | undefined
  /** `undefined` once handed over (or discarded). */
  #held: (Message | undefined)[] | undefined = []
  #head = 0
  #scheduled = false
  #dropped = 0
  /** Payload bytes held. */
  #bytes = 0

  constructor(limits: StreamLimits, target: EarlyTarget, hooks?: HoldHooks) {
    this.#limits = limits
    this.#target = target
    this.#hooks = hooks
  }

  /** How many messages are held. */
  get held(): number {
    return this.#held === undefined ? 0 : this.#held.length - this.#head
  }

  /** How many messages the bound dropped. */
  get dropped(): number {
    return this.#dropped
  }

  /** Keeps `message` while nothing was created yet; `false`: route it now. */
  hold(message: Message): boolean {
    const held = this.#held
    if (held === undefined) return false
    const size = message.payload.byteLength
    if (!this.#fits(size)) {
      if (this.#limits.overflow !== 'drop-oldest') {
        this.#dropped++
        return true
      }
      while (this.held > 0 && !this.#fits(size)) this.#dropOldest()
      if (!this.#fits(size)) {
        this.#dropped++
        return true
      }
    }
    this.#held?.push(message)
    this.#bytes += size
    this.#hooks?.hold(message, this)
    return true
  }

  /** Whether one more message of `size` bytes may be held (with `error`, one past the bounds). */
  #fits(size: number): boolean {
    const { maxQueued, maxQueuedBytes = Number.POSITIVE_INFINITY, overflow } = this.#limits
    return overflow === 'error'
      ? this.held <= maxQueued && this.#bytes <= maxQueuedBytes
      : this.held < maxQueued && this.#bytes + size <= maxQueuedBytes
  }

  #dropOldest(): void {
    const held = this.#held
    if (held === undefined) return
    const oldest = held[this.#head] as Message
    this.#dropped++
    this.#bytes -= oldest.payload.byteLength
    this.#hooks?.release(oldest, this)
    held[this.#head++] = undefined
    if (worthCompacting(this.#head, held.length)) {
      this.#held = held.slice(this.#head)
      this.#head = 0
    }
  }

  /** A stream or subscription was created: hand the held messages over in a microtask (once). */
  created(): void {
    if (this.#held === undefined || this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      const held = this.#held ?? []
      const head = this.#head
      this.#held = undefined
      for (let index = head; index < held.length; index++) {
        const message = held[index] as Message
        this.#target.routeEarly(message)
        this.#hooks?.release(message, this)
      }
      this.#target.earlyOver()
    })
  }

  /** The client is closing or lost its connection for good: forget what is held. */
  discard(): void {
    const held = this.#held ?? []
    const head = this.#head
    this.#held = undefined
    for (let index = head; index < held.length; index++) this.#hooks?.release(held[index] as Message, this)
    this.#target.earlyOver()
  }
}
