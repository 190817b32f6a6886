import type { PatternParams } from '@await-mqtt/topic-trie'
import type { QoS, UserProperties } from '../options/client-options.js'
import { Topic } from './topic.js'
import {
  checkSchemaOptions,
  type PayloadSchema,
  type SchemaOutput,
  validatePayload,
} from './validate-payload.js'

/**
 * MQTT 5 PUBLISH properties, as sent and as received.
 * @example
 * await client.publish('replies', 'ok', { properties: { contentType: 'text/plain', userProperties: { id: '7' } } })
 */
export interface PublishProperties {
  /** `true`: the payload is UTF-8 text. */
  payloadFormatIndicator?: boolean
  /** Seconds the broker keeps the message for subscribers that have not received it yet. */
  messageExpiryInterval?: number
  /** Topic alias (set by MQTT.js; incoming aliases are resolved before you see the message). */
  topicAlias?: number
  /** Topic a responder should publish its answer to (request/response). */
  responseTopic?: string
  /** Binds a response to its request. */
  correlationData?: Uint8Array
  userProperties?: UserProperties
  /** Identifiers of the subscriptions that matched (incoming only). */
  subscriptionIdentifier?: number | number[]
  /** MIME type of the payload, e.g. `application/json`. */
  contentType?: string
}

/**
 * What a received PUBLISH packet carries; see {@link Message}.
 * @example
 * const message = new Message({ topic: 'a/b', payload: new TextEncoder().encode('hi'), qos: 0 })
 */
export interface MessageInit {
  /** The topic name (validated), or a {@link Topic} already made, which messages may share. */
  topic: string | Topic
  payload: Uint8Array
  qos: QoS
  retain?: boolean
  dup?: boolean
  messageId?: number | undefined
  properties?: PublishProperties | undefined
}

const decoder = new TextDecoder()
const noProperties: PublishProperties = Object.freeze({})
const noParams: Readonly<Record<string, never>> = Object.freeze({})

/** How a message is answered under `ack: 'manual'` (set by the ack tracker). */
export interface Receipt {
  ack(): void
  reject(reasonCode: number): void
}

/** The receipt of each message to acknowledge (`ack: 'manual'`), shared by its copies with params. */
const receipts = new WeakMap<object, Receipt>()

/** `ack: 'manual'`: `message.ack()` and `message.reject()` answer through `receipt`. */
export function attachReceipt(message: object, receipt: Receipt): void {
  receipts.set(message, receipt)
}

/**
 * The same message with the named wildcards of the filter it was read through (a stream whose
 * filter is a pattern): a new object, as several streams may read one message through different patterns.
 */
export function withParams<Params extends object>(message: Message<object>, params: Params): Message<Params> {
  const copy = new Message<Params>(message, params)
  const receipt = receipts.get(message)
  if (receipt !== undefined) receipts.set(copy, receipt)
  return copy
}

/**
 * A message received from the broker.
 * @example
 * for await (const message of client.messages('sensors/#')) {
 *   console.log(message.topic.value, message.json<{ celsius: number }>().celsius)
 * }
 */
export class Message<Params extends object = PatternParams<string>> {
  /** Where it was published. */
  readonly topic: Topic
  /**
   * The bytes as received (a Node Buffer under Node): not copied, except in the messages a
   * Subscription kept before its first read (see `BufferedMessageStream.packUntilRead`).
   */
  readonly payload: Uint8Array
  readonly qos: QoS
  /** Whether the broker sent it as a retained message (on subscribe). */
  readonly retain: boolean
  /** Whether this is a redelivery. */
  readonly dup: boolean
  /** The packet identifier (QoS 1 and 2 only). */
  readonly messageId: number | undefined
  /** MQTT 5 properties; empty under MQTT 3.1.1. */
  readonly properties: PublishProperties
  /**
   * The levels the named wildcards of the filter captured, when the message was read through a
   * pattern such as `sensors/+room/#rest` (`{ room: 'kitchen', rest: ['temperature'] }`); typed
   * from the filter's literal type. Empty otherwise.
   */
  readonly params: Params

  constructor(
    { topic, payload, qos, retain = false, dup = false, messageId, properties }: MessageInit,
    params?: Params,
  ) {
    this.topic = typeof topic === 'string' ? new Topic(topic) : topic
    this.payload = payload
    this.qos = qos
    this.retain = retain
    this.dup = dup
    this.messageId = qos === 0 ? undefined : messageId
    this.properties = properties ?? noProperties
    this.params = params ?? (noParams as Params)
  }

  /**
   * `ack: 'manual'`: acknowledges the message (PUBACK for QoS 1, PUBREC for QoS 2, then PUBCOMP when
   * the broker releases it), in any order across messages. Idempotent; the first of `ack()` and
   * `reject()` counts. Does nothing for QoS 0, under the other `ack` modes, or when the connection
   * the message came on was lost (the broker sends it again, as a new message).
   * @example
   * for await (const job of client.messages('jobs/#')) {
   *   void process(job).then(() => job.ack()) // acknowledged once processed, in any order
   * }
   */
  ack(): void {
    receipts.get(this)?.ack()
  }

  /**
   * `ack: 'manual'`, MQTT 5: refuses the message — its PUBACK/PUBREC carries `reasonCode`, and the
   * broker will not send it again. Idempotent as {@link Message.ack}; does nothing where `ack()` does nothing.
   * @param reasonCode 0x80 (unspecified error, the default), 0x83, 0x87, 0x90, 0x91, 0x97 or 0x99.
   * @throws {@link MqttValidationError} (field `reasonCode`) for another code, or under MQTT 3.1.1,
   * which cannot refuse a message (leave it unacknowledged: the broker sends it again after a reconnect).
   * @example if (!valid(message)) message.reject(0x99) // payload format invalid
   */
  reject(reasonCode = 0x80): void {
    receipts.get(this)?.reject(reasonCode)
  }

  /** The payload decoded as UTF-8. */
  text(): string {
    return decoder.decode(this.payload)
  }

  /**
   * The payload parsed as JSON. The type parameter is not checked at runtime: pass a schema for that.
   * @throws SyntaxError when the payload is not JSON.
   */
  json<T = unknown>(): T
  /**
   * The payload parsed as JSON and validated with a Standard Schema v1 validator (zod, valibot,
   * arktype...; async ones too); resolves to the schema's output.
   * @throws {@link MqttPayloadValidationError} (an `MqttValidationError`) naming the topic and the
   * issues, also when the payload is not JSON.
   * @example
   * const { celsius } = await message.json(z.object({ celsius: z.number() }))
   */
  json<S extends PayloadSchema>(schema: S): Promise<SchemaOutput<S>>
  json(schema?: PayloadSchema): unknown {
    if (schema === undefined) return JSON.parse(this.text())
    try {
      checkSchemaOptions({ schema })
    } catch (error) {
      return Promise.reject(error)
    }
    return validatePayload(this.topic.value, this.text(), schema)
  }
}
