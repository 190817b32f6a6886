import { MqttClientClosedError, MqttTimeoutError, MqttValidationError } from '../errors/errors.js'
import { onTimeoutOrAbort } from '../helpers/timers.js'
import type { Message, PublishProperties } from '../incoming/message.js'
import type { CallOptions, PayloadInput, QoS } from '../options/client-options.js'
import { encodePayload } from '../outgoing/encode-payload.js'
import { publish } from '../outgoing/publish.js'
import type { Session } from '../session/session.js'
import { subscribe } from '../subscriptions/subscribe.js'
import type { Subscription } from '../subscriptions/subscription.js'
import {
  checkCallOptions,
  checkOptionsObject,
  checkQoS,
  checkTopic,
  requireMqtt5,
} from '../validation/checks.js'
import { checkPublishProperties } from '../validation/publish-properties.js'
import { serverLimits } from '../validation/server-limits.js'

/**
 * Options of `client.request()`.
 * @example
 * const response = await client.request('services/clock', 'now?', { timeout: 2_000, qos: 1 })
 */
export interface RequestOptions extends CallOptions {
  /** QoS of the request. @default 0 */
  qos?: QoS
  /** More MQTT 5 properties of the request; `responseTopic` and `correlationData` are set by the client. */
  properties?: Omit<PublishProperties, 'subscriptionIdentifier' | 'responseTopic' | 'correlationData'>
}

interface Pending {
  resolve(message: Message): void
  reject(error: unknown): void
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
/** A client identifier that is one plain topic level names the response topic (for broker ACLs such as mosquitto's `%c`). */
const plainLevel = /^[^/+#$][^/+#]*$/

/**
 * MQTT 5 request/response for one client: a response topic of its own, subscribed on the first
 * request and kept until the client closes, and the requests waiting for an answer, matched by
 * Correlation Data. A request that times out or is aborted forgets its correlation data, so a late
 * answer is dropped.
 */
export class Requester {
  readonly #session: Session
  readonly #pending = new Map<string, Pending>()
  #responseTopic: string | undefined
  #subscribed: Promise<void> | undefined
  #next = 0

  constructor(session: Session) {
    this.#session = session
  }

  /** Requests waiting for their answer. */
  get pending(): number {
    return this.#pending.size
  }

  /** The topic this client's answers arrive on (`await-mqtt/responses/{clientId}/{random}`). */
  get responseTopic(): string {
    if (this.#responseTopic === undefined) {
      const random = Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) =>
        byte.toString(16).padStart(2, '0'),
      ).join('')
      const clientId = this.#session.clientId
      const owner = plainLevel.test(clientId) ? `${clientId}/` : ''
      this.#responseTopic = `await-mqtt/responses/${owner}${random}`
    }
    return this.#responseTopic
  }

  /** Publishes a request and resolves with its answer; see `Client.request`. */
  async request(
    topic: string,
    payload: PayloadInput | undefined,
    options: RequestOptions = {},
  ): Promise<Message> {
    const session = this.#session
    checkOptionsObject(options)
    requireMqtt5(session.protocolVersion, true, 'request')
    // Everything is checked before the response topic is subscribed: nothing goes out on bad input.
    const strict = session.options.strictUtf8
    checkTopic(topic, 'topic', strict)
    const bytes = encodePayload(payload)
    const qos = checkQoS(options.qos)
    const timeout = checkCallOptions(options, session.options.timeout)
    const { properties, signal } = options
    for (const own of ['responseTopic', 'correlationData'] as const) {
      if (properties !== undefined && properties !== null && own in properties) {
        throw new MqttValidationError(
          `properties.${own} is set by client.request(); use client.publish() to set it yourself`,
          `properties.${own}`,
        )
      }
    }
    const { topicAliasMaximum } = serverLimits(session)
    checkPublishProperties(properties, {
      protocolVersion: session.protocolVersion,
      strict,
      topicAliasMaximum,
      payload: bytes,
    })
    if (signal?.aborted) throw signal.reason

    const key = `${++this.#next}`
    let disarm = () => {}
    const answer = new Promise<Message>((resolve, reject) => {
      this.#pending.set(key, { resolve, reject })
      disarm = onTimeoutOrAbort(
        timeout,
        signal,
        () =>
          reject(new MqttTimeoutError(`request to ${topic} got no response within ${timeout} ms`, timeout)),
        reject,
      )
    })
    try {
      const sent = this.#subscribe().then(() =>
        publish(session, topic, bytes, {
          qos,
          timeout,
          signal,
          properties: {
            ...properties,
            responseTopic: this.responseTopic,
            correlationData: encoder.encode(key),
          },
        }),
      )
      // Whichever fails first (sending, the deadline, the signal) ends the request.
      sent.catch(() => {})
      await Promise.race([sent, answer])
      return await answer
    } finally {
      disarm()
      this.#pending.delete(key)
    }
  }

  /** Subscribes to the response topic once, and dispatches what arrives there to the waiting requests. */
  #subscribe(): Promise<void> {
    this.#subscribed ??= subscribe(this.#session, this.responseTopic, { qos: 1 }).then(
      (subscription) => void this.#dispatch(subscription),
      (error: unknown) => {
        this.#subscribed = undefined
        throw error
      },
    )
    return this.#subscribed
  }

  async #dispatch(subscription: Subscription): Promise<void> {
    let ended: unknown
    try {
      for await (const message of subscription) {
        const correlation = message.properties.correlationData
        const pending = correlation === undefined ? undefined : this.#pending.get(decoder.decode(correlation))
        if (pending) pending.resolve(message)
        else
          this.#session.logger?.debug(
            { topic: message.topic.value },
            'mqtt dropped an unexpected or late response',
          )
      }
    } catch (error) {
      ended = error
    }
    // The subscription ended (the client closed or was lost for good): nothing will answer.
    this.#subscribed = undefined
    const error =
      ended ?? new MqttClientClosedError('the client was closed while the request waited for its response')
    for (const pending of this.#pending.values()) pending.reject(error)
  }
}
