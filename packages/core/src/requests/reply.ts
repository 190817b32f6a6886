import { MqttValidationError } from '../errors/errors.js'
import type { Message, PublishProperties } from '../incoming/message.js'
import type { CallOptions, PayloadInput, QoS } from '../options/client-options.js'
import { publish } from '../outgoing/publish.js'
import type { Session } from '../session/session.js'
import { checkOptionsObject, requireMqtt5 } from '../validation/checks.js'

/**
 * Options of `client.reply()` (and of a responder's replies).
 * @example
 * await client.reply(request, 'done', { qos: 1 })
 */
export interface ReplyOptions extends CallOptions {
  /** QoS of the reply. @default the request's QoS */
  qos?: QoS
  /** More MQTT 5 properties of the reply; `correlationData` is copied from the request. */
  properties?: Omit<PublishProperties, 'subscriptionIdentifier' | 'responseTopic' | 'correlationData'>
}

/**
 * Publishes `payload` to `request`'s Response Topic with its Correlation Data (MQTT 5).
 * @throws {@link MqttValidationError} under MQTT 3.1.1, or when the request has no Response Topic.
 */
export function reply(
  session: Session,
  request: Message,
  payload: PayloadInput | undefined,
  options: ReplyOptions = {},
): Promise<void> {
  try {
    checkOptionsObject(options)
    requireMqtt5(session.protocolVersion, true, 'reply')
    const { responseTopic, correlationData } = request.properties
    if (responseTopic === undefined) {
      throw new MqttValidationError(
        `the message received on ${request.topic.value} has no Response Topic to reply to`,
        'request.properties.responseTopic',
      )
    }
    const properties =
      correlationData === undefined ? options.properties : { ...options.properties, correlationData }
    return publish(session, responseTopic, payload, {
      ...options,
      qos: options.qos ?? request.qos,
      properties,
    })
  } catch (error) {
    return Promise.reject(error)
  }
}
