import type { PatternParams } from '@await-mqtt/topic-trie'
import { MqttError, MqttTimeoutError } from '../errors/errors.js'
import { worthCompacting } from '../helpers/queue.js'
import { onTimeoutOrAbort } from '../helpers/timers.js'
import type { StreamLimits } from '../options/stream-limits.js'
import { checkCallOptions } from '../validation/checks.js'
import type { AckHooks } from './ack-tracker.js'
import { type Message, withParams } from './message.js'
import { PackedMessages } from './packed-messages.js'

/**
 * An async iterable of received messages, buffered from the moment it was created.
 * Ends (the loop finishes) when it is closed or the client closes; throws
 * {@link MqttConnectionLostError} after the buffered messages when the connection is lost.
 * With a `schema` (`client.messages(filter, { schema })`) it yields {@link Validated} payloads.
 * @example
 * await using messages = client.messages('sensors/#')
 * await client.subscribe('sensors/#')
 * for await (const message of messages) console.log(message.text())
 */
export interface MessageStream<Item = Message> extends AsyncIterableIterator<Item>, AsyncDisposable {
  /**
   * The filter this stream matches (named wildcards stripped: `sensors/+/temperature` for
   * `sensors/+room/temperature`), or `undefined` for the stream of otherwise unmatched messages.
   */
  readonly filter: string | undefined
  /** How many messages were dropped because the queue was full. */
  readonly dropped: number
  /** How many messages are waiting to be read. */
  readonly queued: number
  /** Stops the stream: buffered messages are discarded and pending reads finish. Idempotent. */
  close(): void
  /**
   * Reads the next message, waiting at most `timeout` ms or until `signal` aborts; `undefined`
   * once the stream ended. A read that gives up takes nothing: a message arriving later goes to
   * the next read. The loop-free counterpart of `for await`, for "wait at most 5 s for a reading".
   * @throws {@link MqttTimeoutError} when `timeout` ran out; the signal's reason when it aborted;
   * what ended the stream (e.g. {@link MqttConnectionLostError}), as the loop would.
   * @example
   * const reading = await temperatures.read({ timeout: 5_000 }) // MqttTimeoutError after 5 s
   */
  read(options?: ReadOptions): Promise<Item | undefined>
}

/**
 * Options of `stream.read()` and `subscription.read()`.
 * @example
 * const message = await stream.read({ timeout: 5_000, signal: AbortSignal.timeout(10_000) })
 */
export interface ReadOptions {
  /** Gives up the read; it rejects with the signal's reason. */
  signal?: AbortSignal
  /** In ms; the read rejects with {@link MqttTimeoutError} once it ran out. @default no timeout */
  timeout?: number
}

interface Waiter {
  resolve(result: IteratorResult<Message, undefined>): void
  reject(error: unknown): void
  /** The iterator that is waiting (see {@link BufferedMessageStream.release}). */
  reader: object | undefined
}

const done: IteratorResult<Message, undefined> = Object.freeze({ done: true, value: undefined })

/**
 * The queue and the pending reads of every stream that has none: one frozen empty list each,
 * replaced by a stream's own on the first push (most streams of an idle client never get one).
 */
const noMessages = Object.freeze([]) as unknown as Message[]
const noWaiters = Object.freeze([]) as unknown as Waiter[]

/** The queue behind every {@link MessageStream}: bounded, with an overflow policy. */
export class BufferedMessageStream implements MessageStream {
  // #private fields first, at most 15 with the brand: see "Per-client objects" in ARCHITECTURE.md.
  /** Its bounds and overflow policy (most often the client's defaults, one object for all). */
  readonly #limits: StreamLimits
  /** Payload bytes queued (packed or not). */
  #bytes = 0
  readonly #onClose: (() => void) | undefined
  /** `ack: 'after-processing'`: told which messages this stream holds. */
  #acks: AckHooks | undefined
  /** The message the reader got last; released when it asks for the next (acks only). */
  #current: Message | undefined
  /** The queued messages from `#head` on; {@link noMessages} until the first is queued. */
  #queue: Message[] = noMessages
  #head = 0
  /**
   * While what arrives before the first read is packed (see {@link packUntilRead}): what was, or
   * `null` while nothing was yet. `undefined` once not packing.
   */
  #packed: PackedMessages | null | undefined
  /** Pending reads; {@link noWaiters} until the first. */
  #waiters: Waiter[] = noWaiters
  /** `open`: accepts messages; `ending`: drains then finishes (or throws `#error`); `closed`: finished. */
  #state: 'open' | 'ending' | 'closed' = 'open'
  #error: unknown
  #dropped = 0
  /** The named wildcards of the filter(s) read through, when they are patterns. */
  #params: ((topic: string) => PatternParams<string> | undefined) | undefined
  readonly filter: string | undefined
  /**
   * Whether a {@link Router} routes to it (a stream belongs to one client's router). Marked on the
   * stream, a field of its own: a Set per router cost every client 150 B, and a symbol-keyed mark
   * added later made the stream a dictionary when it had no in-object slots.
   */
  routed = false

  constructor(filter: string | undefined, limits: StreamLimits, onClose?: () => void, acks?: AckHooks) {
    this.filter = filter
    this.#limits = limits
    this.#onClose = onClose
    this.#acks = acks
  }

  get dropped(): number {
    return this.#dropped
  }

  get queued(): number {
    return (this.#packed?.size ?? 0) + this.#queue.length - this.#head
  }

  /**
   * Keeps what arrives packed until the first read (for a Subscription, which the program may never
   * read): the same messages, bounds and overflow policy, at a fraction of the garbage collector's
   * cost. Only before anything was queued.
   */
  packUntilRead(): void {
    if (this.#state === 'open' && this.queued === 0) this.#packed ??= null
  }

  /**
   * From now on, tells `acks` which messages this stream holds (for a Subscription, once it is
   * iterated: one nobody reads must not hold acknowledgements back). Idempotent.
   */
  holdAcknowledgements(acks: AckHooks): void {
    this.#acks = acks
    // Packed messages are not held: what arrives from now on must be, read yet or not.
    if (this.#packed !== undefined) this.#unpack()
  }

  /** Gives each message read the params `params` captures from its topic (a pattern's named wildcards). */
  captureParams(params: (topic: string) => PatternParams<string> | undefined): void {
    this.#params = params
  }

  /** Ends {@link packUntilRead}: what was packed becomes the queue. */
  #unpack(): void {
    if (this.#packed) this.#queue = this.#packed.take()
    this.#packed = undefined
  }

  /** Whether the stream still takes messages. */
  get open(): boolean {
    return this.#state === 'open'
  }

  /** Hands a message to a waiting reader, or queues it (applying the overflow policy). */
  push(message: Message): void {
    if (this.#state !== 'open') return
    const waiter = this.#waiters.length > 0 ? this.#waiters.shift() : undefined
    if (waiter) {
      if (this.#acks) this.#hand(message)
      waiter.resolve({ done: false, value: this.#present(message) })
      return
    }
    const size = message.payload.byteLength
    if (!this.#fits(size) && !this.#makeRoom(size)) return
    this.#bytes += size
    if (this.#packed !== undefined) {
      this.#packed ??= new PackedMessages()
      this.#packed.append(message)
    } else {
      this.#acks?.hold(message, this)
      if (this.#queue === noMessages) this.#queue = []
      this.#queue.push(message)
    }
  }

  /** Whether one more message of `size` payload bytes stays within both bounds. */
  #fits(size: number): boolean {
    const limits = this.#limits
    return (
      this.queued < limits.maxQueued &&
      this.#bytes + size <= (limits.maxQueuedBytes ?? Number.POSITIVE_INFINITY)
    )
  }

  /**
   * The queue is full (by count or bytes): applies the policy, counting what is dropped; true when
   * the new message goes in. `drop-oldest` drops as many of the oldest as the new one needs, and
   * the new one itself when it is larger than `maxQueuedBytes` alone.
   */
  #makeRoom(size: number): boolean {
    if (this.#limits.overflow === 'drop-oldest') {
      while (this.queued > 0 && !this.#fits(size)) {
        this.#dropped++
        this.#dropOldest()
      }
      if (this.#fits(size)) return true
      this.#dropped++
      return false
    }
    this.#dropped++
    if (this.#limits.overflow === 'error') {
      const bound =
        this.queued >= this.#limits.maxQueued
          ? `${this.#limits.maxQueued} messages queued`
          : `${this.#limits.maxQueuedBytes} payload bytes at most (maxQueuedBytes)`
      this.end(new MqttError(`a message stream overflowed (${bound}; overflow: 'error')`, 'QUEUE_OVERFLOW'))
      this.#onClose?.()
    }
    return false
  }

  #dropOldest(): void {
    if (this.#packed) {
      this.#bytes -= this.#packed.dropOldest()
      return
    }
    const oldest = this.#queue[this.#head] as Message
    if (this.#acks) this.#acks.release(oldest, this)
    this.#bytes -= oldest.payload.byteLength
    // Forget the dropped message (a stream nobody reads would otherwise keep every one), and
    // compact once the dropped slots outnumber the queued ones.
    this.#queue[this.#head++] = undefined as unknown as Message
    if (worthCompacting(this.#head, this.#queue.length)) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
  }

  /** No more messages will come: readers get the buffered ones, then the end (or `error`). Idempotent. */
  end(error?: unknown): void {
    if (this.#state !== 'open') return
    this.#state = 'ending'
    this.#error = error
    if (this.queued === 0) this.#finish()
  }

  close(): void {
    if (this.#state === 'closed') return
    const wasOpen = this.#state === 'open'
    this.#error = undefined
    if (this.#acks) this.#releaseAll()
    this.#packed = undefined
    this.#queue = noMessages
    this.#head = 0
    this.#bytes = 0
    this.#finish()
    if (wasOpen) this.#onClose?.()
  }

  /** @param reader who reads, so that {@link release} can end its pending read alone. */
  next(reader?: object): Promise<IteratorResult<Message, undefined>> {
    if (this.#packed !== undefined) this.#unpack()
    if (this.#current !== undefined) this.#hand(undefined)
    if (this.queued > 0) {
      const message = this.#queue[this.#head] as Message
      this.#bytes -= message.payload.byteLength
      if (this.#acks?.manual) this.#acks.handOver(message, this)
      else if (this.#acks) this.#current = message
      this.#queue[this.#head++] = undefined as unknown as Message
      if (this.#head === this.#queue.length) {
        this.#queue = noMessages
        this.#head = 0
      } else if (worthCompacting(this.#head, this.#queue.length)) {
        this.#queue = this.#queue.slice(this.#head)
        this.#head = 0
      }
      return Promise.resolve({ done: false, value: this.#present(message) })
    }
    if (this.#state === 'ending') this.#finish()
    if (this.#state === 'closed') {
      const error = this.#error
      this.#error = undefined
      return error === undefined ? Promise.resolve(done) : Promise.reject(error)
    }
    return new Promise((resolve, reject) => {
      if (this.#waiters === noWaiters) this.#waiters = []
      this.#waiters.push({ resolve, reject, reader })
    })
  }

  async read(options?: ReadOptions): Promise<Message | undefined> {
    const timeout = checkCallOptions(options, Number.POSITIVE_INFINITY)
    const signal = options?.signal
    signal?.throwIfAborted()
    if (this.queued > 0 || this.#state !== 'open') return (await this.next()).value
    const reader = {}
    let disarm: () => void = () => {}
    const gaveUp = new Promise<never>((_, reject) => {
      disarm = onTimeoutOrAbort(
        timeout,
        signal,
        () => reject(new MqttTimeoutError(`no message came within ${timeout} ms`, timeout)),
        reject,
      )
    })
    const read = this.next(reader)
    try {
      return (await Promise.race([read, gaveUp])).value
    } catch (error) {
      // Gave up: its waiter goes, so the message that comes later is queued for the next read.
      this.release(reader)
      throw error
    } finally {
      disarm()
    }
  }

  /** `reader` stops reading: its pending reads finish (`done`); the stream stays open for others. */
  release(reader: object): void {
    const mine = this.#waiters.filter((waiter) => waiter.reader === reader)
    if (mine.length === 0) return
    this.#waiters = this.#waiters.filter((waiter) => waiter.reader !== reader)
    for (const waiter of mine) waiter.resolve(done)
  }

  return(): Promise<IteratorResult<Message, undefined>> {
    this.close()
    return Promise.resolve(done)
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close()
  }

  /** The message as its reader sees it: with the params of this stream's pattern, if any. */
  #present(message: Message): Message {
    const params = this.#params?.(message.topic.value)
    return params === undefined ? message : withParams(message, params)
  }

  /**
   * The reader got `message` (acks only): the one it had before is released; under `ack: 'manual'`
   * the program holds it instead (see {@link AckHooks.handOver}).
   */
  #hand(message: Message | undefined): void {
    if (this.#acks?.manual) {
      if (message !== undefined) this.#acks.handOver(message, this)
      return
    }
    const previous = this.#current
    this.#current = message
    if (previous !== undefined) this.#acks?.release(previous, this)
    if (message !== undefined) this.#acks?.hold(message, this)
  }

  /** Releases every message this stream holds (acks only). */
  #releaseAll(): void {
    this.#hand(undefined)
    for (let index = this.#head; index < this.#queue.length; index++) {
      this.#acks?.release(this.#queue[index] as Message, this)
    }
  }

  /** Finishes: pending readers get the error (the first one) or the end. */
  #finish(): void {
    if (this.#state === 'closed' && this.#waiters.length === 0) return
    this.#state = 'closed'
    const waiters = this.#waiters
    this.#waiters = noWaiters
    for (const waiter of waiters) {
      if (this.#error !== undefined) {
        const error = this.#error
        this.#error = undefined
        waiter.reject(error)
      } else waiter.resolve(done)
    }
  }
}
