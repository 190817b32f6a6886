import { describeValue } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'
import type { Message } from '../incoming/message.js'
import type { PayloadInput } from '../options/client-options.js'
import type { Session } from '../session/session.js'
import { type SubscribeOptions, subscribe } from '../subscriptions/subscribe.js'
import type { Subscription } from '../subscriptions/subscription.js'
import { checkOptionsObject, requireMqtt5 } from '../validation/checks.js'
import { type ReplyOptions, reply } from './reply.js'

/** Answers one request: what it returns (or resolves to) is published as the response. */
export type RequestHandler = (
  request: Message,
) => PayloadInput | undefined | Promise<PayloadInput | undefined>

/**
 * Options of `client.respond()`: how to subscribe, and how many requests are handled at once.
 * @example
 * await using responder = await client.respond('services/clock', () => new Date().toISOString(), { qos: 1, concurrency: 4 })
 */
export interface RespondOptions extends SubscribeOptions {
  /** Most requests whose handler runs at the same time. @default 10 */
  concurrency?: number
  /** Options of each reply (QoS defaults to the request's). */
  reply?: Omit<ReplyOptions, 'signal'>
}

/**
 * A running responder: subscribed to its filters, answering each request that carries a Response
 * Topic. Dispose it to unsubscribe; requests being handled are answered first.
 * @example
 * await using responder = await client.respond('services/echo', (request) => request.payload)
 */
export interface Responder extends AsyncDisposable {
  /** The filters it answers on. */
  readonly filters: readonly string[]
  /** Requests answered so far. */
  readonly answered: number
  /** Requests it could not answer: the handler threw, the reply failed, or there was no Response Topic. */
  readonly failed: number
  /** Unsubscribes, then waits for the requests being handled. Idempotent. */
  close(): Promise<void>
}

/** `client.respond()`: subscribes to `filter` and answers each request with `handler`'s result. */
export async function respond(
  session: Session,
  filter: string | readonly string[],
  handler: RequestHandler,
  options: RespondOptions = {},
): Promise<Responder> {
  checkOptionsObject(options)
  requireMqtt5(session.protocolVersion, true, 'respond')
  if (typeof handler !== 'function') {
    throw new MqttValidationError(`handler must be a function, not ${describeValue(handler)}`, 'handler')
  }
  const { concurrency = 10, reply: replyOptions = {}, ...subscribeOptions } = options
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new MqttValidationError(
      `concurrency must be a positive integer, not ${describeValue(concurrency)}`,
      'concurrency',
    )
  }
  checkOptionsObject(replyOptions)
  const subscription = await subscribe(session, filter, subscribeOptions)
  return new RunningResponder(session, subscription, handler, concurrency, replyOptions)
}

class RunningResponder implements Responder {
  readonly #session: Session
  readonly #subscription: Subscription
  readonly #handler: RequestHandler
  readonly #replyOptions: Omit<ReplyOptions, 'signal'>
  readonly #inFlight = new Set<Promise<void>>()
  readonly #loop: Promise<void>
  #closing: Promise<void> | undefined
  #answered = 0
  #failed = 0

  constructor(
    session: Session,
    subscription: Subscription,
    handler: RequestHandler,
    concurrency: number,
    replyOptions: Omit<ReplyOptions, 'signal'>,
  ) {
    this.#session = session
    this.#subscription = subscription
    this.#handler = handler
    this.#replyOptions = replyOptions
    this.#loop = this.#run(concurrency)
  }

  get filters(): readonly string[] {
    return this.#subscription.filters
  }

  get answered(): number {
    return this.#answered
  }

  get failed(): number {
    return this.#failed
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#subscription.unsubscribe().catch((error: unknown) => {
        this.#session.logger?.warn({ error: messageOf(error) }, 'mqtt responder could not unsubscribe')
      })
      await this.#loop
      await Promise.all(this.#inFlight)
    })()
    return this.#closing
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #run(concurrency: number): Promise<void> {
    try {
      for await (const request of this.#subscription) {
        if (this.#inFlight.size >= concurrency) await Promise.race(this.#inFlight)
        const handling = this.#answer(request).finally(() => this.#inFlight.delete(handling))
        this.#inFlight.add(handling)
      }
    } catch (error) {
      // The connection was lost for good: the client reports it; the requests go unanswered.
      this.#session.logger?.warn({ error: messageOf(error) }, 'mqtt responder stopped')
    }
  }

  /** Never rejects: a request that cannot be answered is counted and logged, and the next one goes on. */
  async #answer(request: Message): Promise<void> {
    const topic = request.topic.value
    try {
      if (request.properties.responseTopic === undefined) {
        throw new MqttValidationError(`the request on ${topic} has no Response Topic`, 'responseTopic')
      }
      const payload = await this.#handler(request)
      await reply(this.#session, request, payload ?? undefined, this.#replyOptions)
      this.#answered++
    } catch (error) {
      this.#failed++
      this.#session.logger?.warn(
        { topic, error: messageOf(error) },
        'mqtt responder could not answer a request',
      )
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))
