import { describeValue } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'
import { toCodeError } from '../mqttjs/translate-error.js'
import type { Packet } from '../mqttjs/types.js'
import type { CallOptions, QoS, QueueOptions, UserProperties } from '../options/client-options.js'
import { sendCall } from '../session/send-call.js'
import type { Session } from '../session/session.js'
import {
  checkSubscribeLimits,
  checkSubscribeSize,
  checkUnsubscribeSize,
  serverLimits,
} from '../validation/server-limits.js'
import { grantedCodes, subscribePackets } from './subscribe-packets.js'
import type { SubscribeRequest, Subscription } from './subscription.js'
import { SubscriptionHandle } from './subscription-handle.js'

type IUnsubackPacket = Extract<Packet, { cmd: 'unsuback' }>

export { subscriptionMap } from './subscribe-packets.js'

import { isFailure, ReasonCode } from '../errors/reason-codes.js'
import {
  checkBoolean,
  checkCallOptions,
  checkFilters,
  checkOptionsObject,
  checkQoS,
  checkQueueOptions,
  checkUserProperties,
  requireMqtt5,
} from '../validation/checks.js'

/**
 * Options of `client.subscribe()`. Its queue options bound the subscription's own message buffer.
 * @example
 * await client.subscribe('$share/workers/jobs/#', { qos: 1, maxQueued: 100, overflow: 'error' })
 */
export interface SubscribeOptions extends CallOptions, QueueOptions {
  /**
   * Cancels the SUBSCRIBE while it is in flight (the call rejects with the signal's reason); once
   * subscribed, aborting it ends the subscription's iteration at once and unsubscribes, as disposing does.
   */
  signal?: AbortSignal
  /** The highest QoS to receive messages at. @default 0 */
  qos?: QoS
  /** MQTT 5: do not receive the messages this client publishes itself. @default false */
  noLocal?: boolean
  /** MQTT 5: keep the retain flag of forwarded messages as the publisher set it. @default false */
  retainAsPublished?: boolean
  /** MQTT 5: 0 send retained messages, 1 only for a new subscription, 2 never. @default 0 */
  retainHandling?: 0 | 1 | 2
  /** MQTT 5 SUBSCRIBE properties. */
  properties?: { subscriptionIdentifier?: number; userProperties?: UserProperties }
}

/**
 * Options of `client.unsubscribe()`.
 * @example
 * await client.unsubscribe(['a/#', 'b/+'], { timeout: 1_000 })
 */
export interface UnsubscribeOptions extends CallOptions {
  /** MQTT 5 UNSUBSCRIBE properties. */
  properties?: { userProperties?: UserProperties }
}

function checkSubscribeOptions(
  options: SubscribeOptions,
  protocolVersion: number,
  shared: boolean,
  strict: boolean,
): SubscribeRequest {
  const qos = checkQoS(options.qos)
  const noLocal = checkBoolean(options.noLocal, 'noLocal')
  const retainAsPublished = checkBoolean(options.retainAsPublished, 'retainAsPublished')
  const { retainHandling = 0, properties } = options
  if (retainHandling !== 0 && retainHandling !== 1 && retainHandling !== 2) {
    throw new MqttValidationError(
      `retainHandling must be 0, 1 or 2, not ${describeValue(retainHandling)}`,
      'retainHandling',
    )
  }
  if (noLocal && shared) {
    throw new MqttValidationError('noLocal cannot be used with a shared subscription', 'noLocal')
  }
  if (properties !== undefined && (typeof properties !== 'object' || properties === null)) {
    throw new MqttValidationError('properties must be an object', 'properties')
  }
  const id = properties?.subscriptionIdentifier
  if (id !== undefined && !(Number.isInteger(id) && id >= 1 && id <= 268_435_455)) {
    throw new MqttValidationError(
      `properties.subscriptionIdentifier must be an integer from 1 to 268435455, not ${describeValue(id)}`,
      'properties.subscriptionIdentifier',
    )
  }
  checkUserProperties(properties?.userProperties, 'properties.userProperties', strict)
  for (const key of Object.keys(properties ?? {})) {
    if (key !== 'subscriptionIdentifier' && key !== 'userProperties') {
      throw new MqttValidationError(
        `properties.${key} is not a SUBSCRIBE property (known: subscriptionIdentifier, userProperties)`,
        `properties.${key}`,
      )
    }
  }
  requireMqtt5(protocolVersion, noLocal, 'noLocal')
  requireMqtt5(protocolVersion, retainAsPublished, 'retainAsPublished')
  requireMqtt5(protocolVersion, retainHandling !== 0, 'retainHandling')
  requireMqtt5(protocolVersion, properties !== undefined, 'properties')
  return { qos, nl: noLocal, rap: retainAsPublished, rh: retainHandling, properties }
}

/** `client.subscribe()`: validates, registers the subscription's stream, sends SUBSCRIBE, checks the SUBACK. */
export async function subscribe(
  session: Session,
  filters: string | readonly string[],
  options: SubscribeOptions = {},
): Promise<Subscription> {
  checkOptionsObject(options)
  const strict = session.options.strictUtf8
  const checked = checkFilters(filters, strict)
  const request = checkSubscribeOptions(
    options,
    session.protocolVersion,
    checked.some((entry) => entry.shared),
    strict,
  )
  const timeout = checkCallOptions(options, session.options.timeout)
  const limits = checkQueueOptions(options, session.options.queue)
  const server = serverLimits(session)
  const userIdentifier = request.properties?.subscriptionIdentifier !== undefined
  checkSubscribeLimits(server, { filters: checked, userIdentifier })
  checkSubscribeSize(
    server,
    checked.map((entry) => entry.filter),
    session.protocolVersion,
    request.properties,
  )
  const subscription = session.openSubscription(checked, request, limits, (orphans, unsubscribeOptions) =>
    unsubscribeFilters(session, orphans, unsubscribeOptions),
  )
  const packets = subscribePackets(session, subscription.filters, request, true)
  try {
    // Exact sizes: the packets carry the Subscription Identifiers assigned above.
    for (const packet of packets) {
      checkSubscribeSize(server, packet.filters, session.protocolVersion, packet.options.properties)
    }
  } catch (error) {
    subscription.discard()
    throw error
  }
  const granted = new Map<string, number>()
  try {
    const plan = { what: 'subscribe', timeout, signal: options.signal, publish: false, retry: true }
    await Promise.all(
      packets.map(async (packet) => {
        const suback = await sendCall<Packet | undefined>(session, plan, (connection, done) =>
          connection.subscribe(packet.map, packet.options, done),
        )
        for (const [filter, code] of grantedCodes(packet, suback)) granted.set(filter, code)
      }),
    )
  } catch (error) {
    subscription.discard()
    throw error
  }
  const codes = subscription.filters.map((filter) => granted.get(filter) ?? ReasonCode.UnspecifiedError)
  subscription.grant(codes)
  const refused = codes.findIndex(isFailure)
  if (refused !== -1) {
    const orphans = subscription.discard()
    const granted = orphans.filter(
      (filter) => !isFailure(codes[subscription.filters.indexOf(filter)] ?? ReasonCode.UnspecifiedError),
    )
    if (granted.length > 0) {
      unsubscribeFilters(session, granted, { timeout: session.options.timeout }).catch((error: unknown) =>
        session.logger?.warn({ error }, 'mqtt could not undo a partly refused subscription'),
      )
    }
    throw toCodeError(`subscribe to ${checked[refused]?.filter}`, codes[refused] as number)
  }
  const { signal } = options
  // From now on the signal bounds the subscription's life: aborting it ends the iteration and unsubscribes.
  const cancel = () => {
    subscription.cancel().catch((error: unknown) => {
      session.logger?.warn({ error }, 'mqtt could not unsubscribe when the signal aborted')
    })
  }
  if (signal?.aborted) cancel()
  else signal?.addEventListener('abort', cancel, { once: true })
  return new SubscriptionHandle(subscription)
}

/** Sends UNSUBSCRIBE for `filters` and checks the UNSUBACK reason codes (MQTT 5). */
export async function unsubscribeFilters(
  session: Session,
  filters: string[],
  options: UnsubscribeOptions = {},
): Promise<void> {
  const timeout = checkCallOptions(options, session.options.timeout)
  const { properties } = options
  if (properties !== undefined && (typeof properties !== 'object' || properties === null)) {
    throw new MqttValidationError('properties must be an object', 'properties')
  }
  checkUserProperties(properties?.userProperties, 'properties.userProperties', session.options.strictUtf8)
  requireMqtt5(session.protocolVersion, properties !== undefined, 'properties')
  checkUnsubscribeSize(serverLimits(session), filters, session.protocolVersion, properties)
  const plan = { what: 'unsubscribe', timeout, signal: options.signal, publish: false, retry: true }
  const unsuback = (await sendCall<Packet | undefined>(session, plan, (connection, done) =>
    connection.unsubscribe(filters, options.properties ?? {}, done),
  )) as IUnsubackPacket | undefined
  const codes = unsuback?.granted ?? []
  const refused = codes.findIndex(isFailure)
  if (refused !== -1) {
    throw toCodeError(`unsubscribe from ${filters[refused]}`, codes[refused] as number)
  }
}

/** `client.unsubscribe()`: every subscription holding these filters stops receiving their messages. */
export async function unsubscribe(
  session: Session,
  filters: string | readonly string[],
  options: UnsubscribeOptions = {},
): Promise<void> {
  checkOptionsObject(options)
  const checked = checkFilters(filters, session.options.strictUtf8).map((entry) => entry.filter)
  const identifiers = session.subscriptions.identifiers
  identifiers.leave(checked, true)
  try {
    await unsubscribeFilters(session, checked, options)
  } catch (error) {
    identifiers.leave(checked, false)
    throw error
  }
  session.subscriptions.unsubscribed(checked)
}
