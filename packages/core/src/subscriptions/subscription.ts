import { ReasonCode } from '../errors/reason-codes.js'
import type { AckTracker } from '../incoming/ack-tracker.js'
import type { Message } from '../incoming/message.js'
import { BufferedMessageStream, type ReadOptions } from '../incoming/message-stream.js'
import type { Router } from '../incoming/router.js'
import type { CallOptions, QoS, UserProperties } from '../options/client-options.js'
import type { StreamLimits } from '../options/stream-limits.js'
import type { SessionState } from '../session/session-state.js'
import type { CheckedFilter } from '../validation/checks.js'
import type { RegisteredSubscription, SubscriptionRegistry } from './subscription-registry.js'

/**
 * What the broker granted for one filter of a SUBSCRIBE.
 * @example
 * const [{ qos }] = (await client.subscribe('a/#', { qos: 2 })).granted // qos may be lower than asked
 */
export interface GrantedFilter {
  filter: string
  /** The QoS the broker will deliver at (at most the one asked for). */
  qos: QoS
  /** The SUBACK reason code (equal to `qos` on success). */
  reasonCode: number
}

/**
 * A live subscription: what the broker granted, and an async iterable of the messages matching its
 * own filters, buffered from the moment `subscribe()` was called. Disposing it unsubscribes
 * (filters another live subscription still holds stay subscribed). Breaking out of a `for await`
 * loop does not unsubscribe: iterate again to go on reading. One the program does not keep stops
 * buffering once garbage-collected (nobody can read it); its filters stay subscribed.
 * With a `schema` (`client.subscribe(filter, { schema })`) it yields {@link Validated} payloads.
 * @example
 * await using subscription = await client.subscribe('sensors/+/temperature', { qos: 1 })
 * for await (const message of subscription) console.log(message.topic.value, message.text())
 */
export interface Subscription<Item = Message> extends AsyncIterable<Item>, AsyncDisposable {
  /** The filters as subscribed: as given to `subscribe()`, named wildcards stripped (`a/+id` → `a/+`). */
  readonly filters: readonly string[]
  /** One entry per filter, in order. */
  readonly granted: readonly GrantedFilter[]
  /** How many messages were dropped because its queue was full. */
  readonly dropped: number
  /** How many messages are waiting to be read. */
  readonly queued: number
  /** Unsubscribes and ends the iteration (after the buffered messages). Idempotent. */
  unsubscribe(options?: CallOptions): Promise<void>
  /**
   * Reads the next message, waiting at most `timeout` ms or until `signal` aborts; `undefined` once
   * the subscription ended. A read that gives up takes nothing: a later message goes to the next read.
   * @throws {@link MqttTimeoutError} when `timeout` ran out; the signal's reason when it aborted.
   * @example
   * const reply = await subscription.read({ timeout: 5_000 })
   */
  read(options?: ReadOptions): Promise<Item | undefined>
}

/** One reader of a subscription's messages: `next()`, and `return()` to stop reading. */
export type MessageReader = Required<Pick<AsyncIterator<Message, undefined>, 'next' | 'return'>>

/** The subscription options of one filter (MQTT.js's names). */
export interface FilterRequest {
  qos: QoS
  nl: boolean
  rap: boolean
  rh: 0 | 1 | 2
}

/** A checked SUBSCRIBE request, kept so a reconnecting session can send it again. */
export interface SubscribeRequest extends FilterRequest {
  properties: { subscriptionIdentifier?: number; userProperties?: UserProperties } | undefined
  /** Options of filters given as `{ filter, qos... }`, where they differ from the call's. */
  byFilter?: ReadonlyMap<string, FilterRequest>
  /** Whether our Subscription Identifiers go with it (`subscriptionIdentifiers`, MQTT 5). @default true */
  identifiers?: boolean
}

/** Sends UNSUBSCRIBE for `filters`; provided by subscribe.ts so this file does not import it back. */
export type Unsubscriber = (filters: string[], options: CallOptions | undefined) => Promise<void>

/**
 * What a subscription needs from its session (the `Session` has it all; named here so this file
 * does not import session.ts, which creates subscriptions).
 */
export interface SubscriptionOwner {
  readonly state: SessionState
  readonly lostError: Error | undefined
  readonly router: Router
  readonly subscriptions: SubscriptionRegistry<ActiveSubscription>
  readonly acks: AckTracker | undefined
  unsubscribeLater(filters: readonly string[]): void
}

/**
 * What `client.subscribe()` holds on the client's side, registered in the session's registry and
 * router; the program sees it through a `SubscriptionHandle`.
 */
/** What a subscription was granted before its SUBACK: nothing (one frozen array for all). */
const noneGranted: readonly GrantedFilter[] = Object.freeze([])

export class ActiveSubscription implements RegisteredSubscription {
  readonly filters: readonly string[]
  /** The match filter (without `$share/{group}/`) of each of {@link filters}, in the same order. */
  readonly #matches: readonly string[]
  readonly #session: SubscriptionOwner
  readonly #stream: BufferedMessageStream
  readonly #unsubscriber: Unsubscriber
  /** The match filters it is routed under, until unrouted (kept instead of a closure that unroutes). */
  #routed: readonly string[] | undefined
  /**
   * The SUBACK's reason codes, one per filter (a number for a single filter); undefined before it.
   * {@link granted} is made from them when first read: most idle subscriptions never are.
   */
  #codes: number | readonly number[] | undefined
  #granted: readonly GrantedFilter[] | undefined
  #held: readonly string[]
  #unsubscribing: Promise<void> | undefined
  #abandoned = false

  /** What was asked for (QoS and MQTT 5 options), to resubscribe after a reconnect. */
  readonly request: SubscribeRequest

  constructor(
    session: SubscriptionOwner,
    filters: CheckedFilter[],
    request: SubscribeRequest,
    limits: StreamLimits,
    unsubscriber: Unsubscriber,
  ) {
    this.#session = session
    this.request = request
    this.filters = Object.freeze(filters.map((entry) => entry.filter))
    // Only shared subscriptions match under another filter: the others use the same list.
    this.#matches = filters.every((entry) => entry.match === entry.filter)
      ? this.filters
      : filters.map((entry) => entry.match)
    // The frozen list itself until one is forgotten (a copy per idle subscription is worth saving).
    this.#held = this.filters
    this.#unsubscriber = unsubscriber
    this.#stream = new BufferedMessageStream(this.filters.join(', '), limits)
    // ack: 'manual' — the program acknowledges what it reads, read now or later: held from the start
    // (and not packed, which would make new Message objects).
    if (session.acks?.manual) this.#stream.holdAcknowledgements(session.acks)
    else this.#stream.packUntilRead()
    const patterns = filters.flatMap((entry) => (entry.params ? [entry.params] : []))
    if (patterns.length > 0) {
      this.#stream.captureParams((topic) => {
        for (const params of patterns) {
          const found = params(topic)
          if (found !== undefined) return found
        }
        return undefined
      })
    }
    this.#route()
    session.subscriptions.add(this, this.filters)
  }

  /** The filters this subscription still holds (all of them until an unsubscribe). */
  get held(): readonly string[] {
    return this.#held
  }

  get granted(): readonly GrantedFilter[] {
    const codes = this.#codes
    if (codes === undefined) return noneGranted
    this.#granted ??= Object.freeze(
      this.filters.map((filter, index) => {
        const reasonCode = (typeof codes === 'number' ? codes : codes[index]) ?? ReasonCode.UnspecifiedError
        const qos = (reasonCode <= ReasonCode.GrantedQoS2 ? reasonCode : 0) as QoS
        return Object.freeze({ filter, reasonCode, qos })
      }),
    )
    return this.#granted
  }

  /** Whether the SUBACK came (then {@link granted} has one entry per filter). */
  get wasGranted(): boolean {
    return this.#codes !== undefined
  }

  get dropped(): number {
    return this.#stream.dropped
  }

  get queued(): number {
    return this.#stream.queued
  }

  /** Its own message stream (the router delivers to it). */
  get stream(): BufferedMessageStream {
    return this.#stream
  }

  /** Records the SUBACK. */
  grant(reasonCodes: readonly number[]): void {
    this.#codes =
      this.filters.length === 1
        ? (reasonCodes[0] ?? ReasonCode.UnspecifiedError)
        : Object.freeze([...reasonCodes])
    this.#granted = undefined
  }

  /** The SUBSCRIBE failed: forget this subscription without sending anything. Returns the filters nobody else holds. */
  discard(): string[] {
    this.#unroute()
    this.#stream.close()
    return this.#session.subscriptions.remove(this, this.filters)
  }

  forget(filters: readonly string[]): void {
    this.#held = this.#held.filter((filter) => !filters.includes(filter))
    this.#unroute()
    // With nothing held it is no longer among the registry's subscriptions (gathered from filters).
    if (this.#held.length === 0) {
      this.#stream.end()
    } else if (!this.#abandoned) this.#route()
  }

  end(): void {
    this.#unroute()
    this.#stream.end(this.#session.lostError)
  }

  /** The broker refused it when it was sent again after a reconnection: it ends with `error`. */
  refuse(error: unknown): void {
    this.#unroute()
    this.#stream.end(error)
    this.#session.subscriptions.remove(this, this.#held)
    this.#held = []
  }

  unsubscribe(options?: CallOptions): Promise<void> {
    this.#unsubscribing ??= this.#unsubscribe(options)
    return this.#unsubscribing
  }

  /**
   * The `signal` given to `subscribe()` aborted: reads end at once (what is buffered is discarded,
   * as `close()` does for a message stream) and the filters are unsubscribed.
   */
  cancel(): Promise<void> {
    this.#stream.close()
    return this.unsubscribe()
  }

  /** A read with a timeout or a signal (see `MessageStream.read`). */
  readOnce(options: ReadOptions | undefined): Promise<Message | undefined> {
    const session = this.#session
    if (session.acks) this.#stream.holdAcknowledgements(session.acks)
    return this.#stream.read(options)
  }

  /**
   * A reader of its messages. `return()` (what `break` calls) ends this reader — a pending `next()`
   * finishes with `done` — but not the subscription: iterate again to go on reading.
   */
  read(): MessageReader {
    const stream = this.#stream
    // ack: 'after-processing' — a subscription holds acknowledgements back once someone reads it
    if (this.#session.acks) stream.holdAcknowledgements(this.#session.acks)
    const reader = {}
    let finished = false
    const done: IteratorResult<Message, undefined> = { done: true, value: undefined }
    return {
      next: () => (finished ? Promise.resolve(done) : stream.next(reader)),
      return: async () => {
        finished = true
        stream.release(reader)
        return done
      },
    }
  }

  /**
   * Nobody can read it any more (the program dropped its {@link Subscription}): its messages are
   * no longer buffered. Its filters stay subscribed until unsubscribed or the client closes.
   */
  abandon(): void {
    this.#abandoned = true
    this.#unroute()
    this.#stream.close()
  }

  async dispose(): Promise<void> {
    const state = this.#session.state
    if (state !== 'connected' && state !== 'reconnecting') {
      this.end()
      this.#session.subscriptions.remove(this, this.#held)
      return
    }
    await this.unsubscribe()
  }

  async #unsubscribe(options: CallOptions | undefined): Promise<void> {
    this.#unroute()
    this.#stream.end()
    const orphans = this.#session.subscriptions.remove(this, this.#held)
    this.#held = []
    if (this.#session.state === 'reconnecting') this.#session.unsubscribeLater(orphans)
    if (orphans.length === 0 || this.#session.state !== 'connected') return
    await this.#unsubscriber(orphans, options)
  }

  #route(): void {
    const held = this.#held
    let match = this.#matches
    if (held !== this.filters) {
      const byFilter = new Map(this.filters.map((filter, index) => [filter, this.#matches[index]]))
      match = held.map((filter) => byFilter.get(filter) ?? filter)
    }
    this.#routed = match
    this.#session.router.register(this.#stream, 'subscription', match)
  }

  #unroute(): void {
    const routed = this.#routed
    if (routed === undefined) return
    this.#routed = undefined
    this.#session.router.remove(this.#stream, 'subscription', routed)
  }
}
