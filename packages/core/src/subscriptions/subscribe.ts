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
import type { FilterRequest, SubscribeRequest, Subscription, Unsubscriber } from './subscription.js'
import { SubscriptionHandle } from './subscription-handle.js'

type IUnsubackPacket = Extract<Packet, { cmd: 'unsuback' }>

export { subscriptionMap } from './subscribe-packets.js'

import { isFailure, ReasonCode } from '../errors/reason-codes.js'
import {
  type CheckedFilter,
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
 * One filter of `client.subscribe([...])` with its own subscription options; what it leaves out
 * comes from the call's options. All the filters of one call go in one SUBSCRIBE.
 * @example
 * await client.subscribe([{ filter: 'alerts/#', qos: 2 }, { filter: 'chat/+', qos: 0, noLocal: true }])
 */
export interface SubscribeFilter {
  filter: string
  /** The highest QoS to receive this filter's messages at. @default the call's `qos` */
  qos?: QoS
  /** MQTT 5: do not receive the messages this client publishes itself. @default the call's `noLocal` */
  noLocal?: boolean
  /** MQTT 5: keep the retain flag of forwarded messages as the publisher set it. @default the call's */
  retainAsPublished?: boolean
  /** MQTT 5: 0 send retained messages, 1 only for a new subscription, 2 never. @default the call's */
  retainHandling?: 0 | 1 | 2
}

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
  /**
   * MQTT 5: send the client's Subscription Identifiers with this SUBSCRIBE (see the client option
   * `subscriptionIdentifiers` for what turning them off changes). @default the client's `subscriptionIdentifiers`
   */
  subscriptionIdentifiers?: boolean
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

/** Subscription options as the user spells them, for {@link checkFilterRequest}. */
type FilterOptionsInput = Pick<SubscribeFilter, 'qos' | 'noLocal' | 'retainAsPublished' | 'retainHandling'>

/** Checks one set of subscription options; `field` prefixes the names in errors (`filters[1].`). */
function checkFilterRequest(
  options: FilterOptionsInput,
  defaults: FilterRequest,
  protocolVersion: number,
  shared: boolean,
  field = '',
): FilterRequest {
  const qos = options.qos === undefined ? defaults.qos : checkQoS(options.qos, `${field}qos`)
  const nl = options.noLocal === undefined ? defaults.nl : checkBoolean(options.noLocal, `${field}noLocal`)
  const rap =
    options.retainAsPublished === undefined
      ? defaults.rap
      : checkBoolean(options.retainAsPublished, `${field}retainAsPublished`)
  const rh = options.retainHandling ?? defaults.rh
  if (rh !== 0 && rh !== 1 && rh !== 2) {
    throw new MqttValidationError(
      `${field}retainHandling must be 0, 1 or 2, not ${describeValue(rh)}`,
      `${field}retainHandling`,
    )
  }
  if (nl && shared) {
    throw new MqttValidationError('noLocal cannot be used with a shared subscription', `${field}noLocal`)
  }
  requireMqtt5(protocolVersion, nl, `${field}noLocal`)
  requireMqtt5(protocolVersion, rap, `${field}retainAsPublished`)
  requireMqtt5(protocolVersion, rh !== 0, `${field}retainHandling`)
  return { qos, nl, rap, rh }
}

const filterKeys = new Set(['filter', 'qos', 'noLocal', 'retainAsPublished', 'retainHandling'])

/** The filters of a `subscribe()` call, and the options of those given as objects. */
interface FilterList {
  filters: string | string[]
  entries: ReadonlyMap<string, FilterOptionsInput & { field: string }>
}

/** The per-filter options of a filter given as a string: none (one empty Map for every call). */
const noEntries: ReadonlyMap<string, FilterOptionsInput & { field: string }> = new Map()

/** Splits `[{ filter, qos... }, 'a/b']` into filter names (checked afterwards) and per-filter options. */
function filterList(filters: unknown): FilterList {
  if (!Array.isArray(filters)) return { filters: filters as string, entries: noEntries }
  const names: string[] = []
  const entries = new Map<string, FilterOptionsInput & { field: string }>()
  // A for loop, not map(): holes of a sparse array are refused by checkFilters.
  for (let index = 0; index < filters.length; index++) {
    const entry: unknown = filters[index]
    if (typeof entry !== 'object' || entry === null) {
      names.push(entry as string)
      continue
    }
    const field = `filters[${index}].`
    for (const key of Object.keys(entry)) {
      if (!filterKeys.has(key)) {
        throw new MqttValidationError(
          `${field}${key} is not a subscription option (known: filter, qos, noLocal, retainAsPublished, retainHandling)`,
          `${field}${key}`,
        )
      }
    }
    const { filter, ...options } = entry as SubscribeFilter
    names.push(filter)
    if (typeof filter === 'string') entries.set(filter, { ...options, field })
  }
  return { filters: names, entries }
}

function checkSubscribeOptions(
  options: SubscribeOptions,
  protocolVersion: number,
  filters: readonly CheckedFilter[],
  list: FilterList,
  strict: boolean,
  identifiersByDefault: boolean,
): SubscribeRequest {
  const fallback: FilterRequest = { qos: 0, nl: false, rap: false, rh: 0 }
  // per-filter options are keyed by the filter as given (named wildcards included)
  const shared = filters.some((entry) => entry.shared && !list.entries.has(entry.source ?? entry.filter))
  const request = checkFilterRequest(options, fallback, protocolVersion, shared)
  let byFilter: Map<string, FilterRequest> | undefined
  for (const { filter, source, shared: isShared } of filters) {
    const own = list.entries.get(source ?? filter)
    if (own === undefined) continue
    byFilter ??= new Map()
    byFilter.set(filter, checkFilterRequest(own, request, protocolVersion, isShared, own.field))
  }
  const { properties } = options
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
  const identifiers =
    options.subscriptionIdentifiers === undefined
      ? identifiersByDefault
      : checkBoolean(options.subscriptionIdentifiers, 'subscriptionIdentifiers')
  if (!identifiers && options.subscriptionIdentifiers === false && id !== undefined) {
    throw new MqttValidationError(
      'properties.subscriptionIdentifier cannot be set with subscriptionIdentifiers: false',
      'properties.subscriptionIdentifier',
    )
  }
  requireMqtt5(protocolVersion, properties !== undefined, 'properties')
  if (byFilter === undefined && identifiers && properties === undefined) return plainRequest(request)
  // One literal of fixed shape: built with spreads, each request got a hidden class of its own
  // (230 B kept by every subscription).
  const checked: SubscribeRequest = {
    qos: request.qos,
    nl: request.nl,
    rap: request.rap,
    rh: request.rh,
    properties,
  }
  if (byFilter) checked.byFilter = byFilter
  if (!identifiers) checked.identifiers = identifiers
  return checked
}

/**
 * The request of a subscription with no per-filter options, no properties and identifiers as the
 * client's default: one frozen object per combination of options, shared by every such
 * subscription (each keeps its request for as long as it lives, to subscribe again on reconnect).
 */
function plainRequest({ qos, nl, rap, rh }: FilterRequest): SubscribeRequest {
  const key = `${qos}${nl ? 1 : 0}${rap ? 1 : 0}${rh}`
  let request = plainRequests.get(key)
  if (request === undefined) {
    request = Object.freeze({ qos, nl, rap, rh, properties: undefined })
    plainRequests.set(key, request)
  }
  return request
}

const plainRequests = new Map<string, SubscribeRequest>()

/**
 * What a subscription calls to UNSUBSCRIBE. Made here, not inside {@link subscribe}: a closure
 * there would keep the whole call's scope (packets, SUBACK codes...) alive as long as the subscription.
 */
function unsubscriberOf(session: Session): Unsubscriber {
  return (orphans, options) => unsubscribeFilters(session, orphans, options)
}

/** `client.subscribe()`: validates, registers the subscription's stream, sends SUBSCRIBE, checks the SUBACK. */
export async function subscribe(
  session: Session,
  filters: string | readonly (string | SubscribeFilter)[],
  options: SubscribeOptions = {},
): Promise<Subscription> {
  checkOptionsObject(options)
  const strict = session.options.strictUtf8
  const list = filterList(filters)
  const checked = checkFilters(list.filters, strict)
  const request = checkSubscribeOptions(
    options,
    session.protocolVersion,
    checked,
    list,
    strict,
    session.options.subscriptionIdentifiers,
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
  const subscription = session.openSubscription(checked, request, limits, unsubscriberOf(session))
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
  // A weak reference: a long-lived signal must not keep every subscription made with it alive.
  const ref = new WeakRef(subscription)
  const cancel = () => {
    ref
      .deref()
      ?.cancel()
      .catch((error: unknown) => {
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
