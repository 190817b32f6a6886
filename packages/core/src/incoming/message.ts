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

/**
 * A message received from the broker.
 * @example
 * for await (const message of client.messages('sensors/#')) {
 *   console.log(message.topic.value, message.json<{ celsius: number }>().celsius)
 * }
 */
export class Message {
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

  constructor({ topic, payload, qos, retain = false, dup = false, messageId, properties }: MessageInit) {
    this.topic = typeof topic === 'string' ? new Topic(topic) : topic
    this.payload = payload
    this.qos = qos
    this.retain = retain
    this.dup = dup
    this.messageId = qos === 0 ? undefined : messageId
    this.properties = properties ?? noProperties
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
