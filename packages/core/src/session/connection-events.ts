import type { MqttError } from '../errors/errors.js'
import type { ConnackInfo } from './connack-info.js'

/**
 * Where a client is, as `client.state` tells synchronously:
 * - `connected`: the connection is up;
 * - `reconnecting`: the connection dropped and `reconnect` is on: calls wait, streams stay open;
 * - `disconnected`: the connection dropped for good (no `reconnect`, or its `maxAttempts` ran out):
 *   every stream ended with `MqttConnectionLostError`; close the client and connect a new one;
 * - `closed`: `close()` was called.
 *
 * There is no `connecting`: `Client.connect` resolves only once the broker accepted the connection.
 * @example
 * if (client.state !== 'connected') return c.text('broker unavailable', 503)
 */
export type ClientState = 'connected' | 'reconnecting' | 'disconnected' | 'closed'

/**
 * A change of the connection, as `client.events()` yields it:
 * - `connected`: a (re)connection succeeded; `sessionPresent` says whether the broker kept the session
 *   (then nothing was resubscribed); `connack` is everything its CONNACK said (as `client.connack`);
 *   `server` is the broker it connected to (as `client.server`: with several brokers, or a followed
 *   redirect, it tells when the client moved);
 * - `disconnected`: the connection dropped (`cause` says why); `willReconnect` tells whether the
 *   client tries again (`reconnect` on and attempts left) or is now `disconnected` for good;
 * - `reconnecting`: attempt number `attempt` starts in `delay` ms;
 * - `closed`: `close()` was called; the iteration ends after it.
 * @example
 * for await (const event of client.events()) {
 *   if (event.type === 'disconnected') console.warn('lost the broker:', event.cause.message)
 * }
 */
export type ConnectionEvent =
  | {
      readonly type: 'connected'
      readonly sessionPresent: boolean
      readonly connack: ConnackInfo
      readonly server: string
    }
  | { readonly type: 'disconnected'; readonly cause: MqttError; readonly willReconnect: boolean }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly delay: number }
  | { readonly type: 'closed' }

/**
 * The connection events from the moment `client.events()` was called: an async iterable, no
 * callbacks. It finishes after the `closed` event, or when you break out of the loop or dispose it.
 * At most `maxBuffered` unread events are kept (the oldest go first).
 * @example
 * await using events = client.events()
 * for await (const event of events) console.log(event.type)
 */
export interface ConnectionEvents extends AsyncIterableIterator<ConnectionEvent>, AsyncDisposable {
  /** Stops listening; a pending `next()` finishes. Idempotent. */
  close(): void
}

/**
 * Options of `client.events()`.
 * @example
 * const events = client.events({ maxBuffered: 10 })
 */
export interface ConnectionEventsOptions {
  /** Most unread events kept; older ones are dropped first. @default 100 */
  maxBuffered?: number
}

const done: IteratorResult<ConnectionEvent, undefined> = Object.freeze({ done: true, value: undefined })

/** The bounded buffer behind one {@link ConnectionEvents} iterator. */
class EventQueue implements ConnectionEvents {
  readonly #events: ConnectionEvent[] = []
  readonly #maxBuffered: number
  readonly #onClose: (queue: EventQueue) => void
  #waiter: ((result: IteratorResult<ConnectionEvent, undefined>) => void) | undefined
  /** `open`: takes events; `ending`: drains, then finishes; `closed`: finished. */
  #state: 'open' | 'ending' | 'closed' = 'open'

  constructor(maxBuffered: number, onClose: (queue: EventQueue) => void) {
    this.#maxBuffered = maxBuffered
    this.#onClose = onClose
  }

  push(event: ConnectionEvent, last: boolean): void {
    if (this.#state !== 'open') return
    if (last) this.#state = 'ending'
    const waiter = this.#waiter
    if (waiter) {
      this.#waiter = undefined
      waiter({ done: false, value: event })
      return
    }
    if (this.#events.length >= this.#maxBuffered) this.#events.shift()
    this.#events.push(event)
  }

  next(): Promise<IteratorResult<ConnectionEvent, undefined>> {
    const event = this.#events.shift()
    if (event !== undefined) return Promise.resolve({ done: false, value: event })
    if (this.#state !== 'open') {
      this.#state = 'closed'
      return Promise.resolve(done)
    }
    return new Promise((resolve) => {
      this.#waiter = resolve
    })
  }

  close(): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    this.#events.length = 0
    const waiter = this.#waiter
    this.#waiter = undefined
    waiter?.(done)
    this.#onClose(this)
  }

  return(): Promise<IteratorResult<ConnectionEvent, undefined>> {
    this.close()
    return Promise.resolve(done)
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close()
  }
}

/** Hands each connection event to every open {@link ConnectionEvents} iterator. */
export class EventChannel {
  readonly #queues = new Set<EventQueue>()
  #ended = false

  /** A new iterator of the events from now on (one that is already finished after `closed`). */
  subscribe(maxBuffered = 100): ConnectionEvents {
    const queue = new EventQueue(maxBuffered, (closed) => this.#queues.delete(closed))
    if (this.#ended) queue.close()
    else this.#queues.add(queue)
    return queue
  }

  /** Sends `event` to every iterator; after `closed`, every iterator finishes once drained. */
  emit(event: ConnectionEvent): void {
    if (this.#ended) return
    const last = event.type === 'closed'
    if (last) this.#ended = true
    for (const queue of this.#queues) queue.push(event, last)
    if (last) this.#queues.clear()
  }
}
