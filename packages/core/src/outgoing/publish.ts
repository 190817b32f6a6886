import { asBuffer } from '../helpers/bytes.js'
import type { PublishProperties } from '../incoming/message.js'
import type { Connection } from '../mqttjs/connection.js'
import type { IClientPublishOptions } from '../mqttjs/types.js'
import type { CallOptions, PayloadInput, QoS } from '../options/client-options.js'
import { sendCall } from '../session/send-call.js'
import type { Session } from '../session/session.js'
import {
  checkBoolean,
  checkCallOptions,
  checkOptionsObject,
  checkQoS,
  checkTopic,
} from '../validation/checks.js'
import { checkPublishProperties } from '../validation/publish-properties.js'
import { checkPublishLimits, serverLimits } from '../validation/server-limits.js'
import { encodePayload } from './encode-payload.js'
import type { Done } from './outgoing-calls.js'
import { aliasedTopic } from './topic-aliases.js'

/**
 * Options of `client.publish()`.
 * @example
 * await client.publish('lights/kitchen', 'on', { qos: 1, retain: true, timeout: 2_000 })
 */
export interface PublishOptions extends CallOptions {
  /** 0 at most once, 1 at least once, 2 exactly once. @default 0 */
  qos?: QoS
  /** Ask the broker to keep it as the topic's retained message. @default false */
  retain?: boolean
  /** MQTT 5 PUBLISH properties. */
  properties?: Omit<PublishProperties, 'subscriptionIdentifier'>
}

/** MQTT.js copies the options it is given, so a publish without properties can share these. */
const plainOptions: Record<QoS, readonly [IClientPublishOptions, IClientPublishOptions]> = {
  0: [Object.freeze({ qos: 0, retain: false }), Object.freeze({ qos: 0, retain: true })],
  1: [Object.freeze({ qos: 1, retain: false }), Object.freeze({ qos: 1, retain: true })],
  2: [Object.freeze({ qos: 2, retain: false }), Object.freeze({ qos: 2, retain: true })],
}

/**
 * `client.publish()`: validates everything first (nothing reaches the wire on a bad argument), then
 * resolves when the QoS handshake completes: QoS 0 once written to the socket, QoS 1 on PUBACK,
 * QoS 2 on PUBCOMP. A PUBACK/PUBREC reason code >= 0x80 rejects with MqttCodeError.
 * A QoS 0 publish on a connected session goes straight to the outgoing calls (one promise): it needs
 * none of what {@link sendCall} adds (waiting out a reconnection, Receive Maximum, retries).
 */
export function publish(
  session: Session,
  topic: string,
  payload: PayloadInput | undefined,
  options: PublishOptions = {},
): Promise<void> {
  try {
    checkOptionsObject(options)
    const strict = session.options.strictUtf8
    // '' with properties.topicAlias publishes by an alias set earlier on this connection (MQTT 5).
    const aliasOnly = topic === ''
    if (!aliasOnly) checkTopic(topic, 'topic', strict)
    const bytes = encodePayload(payload)
    const qos = checkQoS(options.qos)
    const retain = checkBoolean(options.retain, 'retain')
    const limits = serverLimits(session)
    const protocolVersion = session.protocolVersion
    const properties = checkPublishProperties(options.properties, {
      protocolVersion,
      strict,
      topicAliasMaximum: limits.topicAliasMaximum,
      payload: bytes,
    })
    const target = aliasOnly ? aliasedTopic(session.connection?.aliases, properties?.topicAlias) : topic
    const payloadBytes = bytes.byteLength
    checkPublishLimits(limits, { topic: target, payloadBytes, qos, retain, protocolVersion, properties })
    const timeout = checkCallOptions(options, session.options.timeout)
    const publishOptions = properties ? { qos, retain, properties } : plainOptions[qos][retain ? 1 : 0]
    const buffer = asBuffer(bytes)
    const what = `publish to ${target}`
    const aliased = properties?.topicAlias !== undefined || session.options.topicAliases === 'auto'
    // With aliases, what goes on the wire depends on the connection that sends it (its alias table).
    const send = aliased
      ? (connection: Connection, done: Done<void>) => {
          const [wireTopic, wireOptions] = connection.aliases.apply(target, publishOptions)
          connection.publish(wireTopic, buffer, wireOptions, (error) => done(error))
        }
      : (connection: Connection, done: Done<void>) =>
          connection.publish(target, buffer, publishOptions, (error) => done(error))
    if (qos === 0 && session.state === 'connected') {
      const connection = session.usable(what)
      return session.calls.run<void>(what, timeout, options.signal, (done) => send(connection, done))
    }
    const plan = { what, timeout, signal: options.signal, publish: true, quota: qos > 0, retry: false }
    return sendCall<void>(session, plan, send)
  } catch (error) {
    return Promise.reject(error)
  }
}
