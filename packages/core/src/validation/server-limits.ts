import { MqttValidationError } from '../errors/errors.js'
import { sameFields } from '../helpers/same-fields.js'
import type { IConnackPacket } from '../mqttjs/types.js'
import type { QoS } from '../options/client-options.js'
import {
  publishPacketSize,
  type SizedProperties,
  subscribePacketSize,
  unsubscribePacketSize,
} from './packet-size.js'

/**
 * What the broker's CONNACK said it accepts (MQTT 5 section 3.2.2.3). Under MQTT 3.1.1, or when a
 * property is absent, the specification's default: no size limit, no topic alias, everything
 * available, QoS 2.
 */
export interface ServerLimits {
  /** Largest packet the broker accepts, in bytes; undefined for no limit. */
  maximumPacketSize: number | undefined
  /** Highest topic alias the client may send; 0 for none. */
  topicAliasMaximum: number
  retainAvailable: boolean
  maximumQoS: QoS
  wildcardSubscriptionAvailable: boolean
  sharedSubscriptionAvailable: boolean
  subscriptionIdentifiersAvailable: boolean
}

/** The limits of a CONNACK (see {@link ServerLimits} for the defaults). */
export function limitsOf(connack: IConnackPacket | undefined): ServerLimits {
  const p = connack?.properties ?? {}
  return {
    maximumPacketSize: p.maximumPacketSize,
    topicAliasMaximum: p.topicAliasMaximum ?? 0,
    retainAvailable: p.retainAvailable !== false,
    maximumQoS: p.maximumQoS === 0 || p.maximumQoS === 1 ? p.maximumQoS : 2,
    wildcardSubscriptionAvailable: p.wildcardSubscriptionAvailable !== false,
    sharedSubscriptionAvailable: p.sharedSubscriptionAvailable !== false,
    subscriptionIdentifiersAvailable: p.subscriptionIdentifiersAvailable !== false,
  }
}

/**
 * What {@link serverLimits} reads from the session (named here, not imported: session.ts reads
 * this file's {@link limitsOf} for `client.connack`).
 */
export interface ConnackHolder {
  readonly connection: { readonly connack: IConnackPacket | undefined } | undefined
}

/**
 * The limits of the session's connection: the last CONNACK (while reconnecting, the previous one;
 * a call that waits for the connection is checked against it).
 */
export function serverLimits(session: ConnackHolder): ServerLimits {
  const connack = session.connection?.connack
  // MQTT 3.1.1, or an MQTT 5 CONNACK without properties: the specification's defaults.
  if (connack?.properties === undefined) return defaultLimits
  let limits = cache.get(connack)
  if (limits === undefined) {
    limits = shared(limitsOf(connack))
    cache.set(connack, limits)
  }
  return limits
}

/** Read once per CONNACK: publish checks them on every call. */
const cache = new WeakMap<IConnackPacket, ServerLimits>()
const defaultLimits: ServerLimits = Object.freeze(limitsOf(undefined))
let lastLimits: ServerLimits = defaultLimits

/** `limits`, or an equal object already made: clients of one broker share one. */
function shared(limits: ServerLimits): ServerLimits {
  if (sameFields(limits, lastLimits)) return lastLimits
  lastLimits = Object.freeze(limits)
  return lastLimits
}

/** The broker's word for refusing: its CONNACK limit and the reason code it would answer with. */
function refuse(field: string, message: string): never {
  throw new MqttValidationError(message, field)
}

function checkSize(limits: ServerLimits, what: string, size: number): void {
  const maximum = limits.maximumPacketSize
  if (maximum !== undefined && size > maximum) {
    refuse(
      'size',
      `${what} would be a ${size}-byte packet, above the broker's Maximum Packet Size of ${maximum} bytes (CONNACK); the broker would disconnect (0x95 Packet too large)`,
    )
  }
}

/** One PUBLISH, for {@link checkPublishLimits}. */
export interface PublishToCheck {
  topic: string
  payloadBytes: number
  qos: QoS
  retain: boolean
  protocolVersion: 3 | 4 | 5
  properties: SizedProperties | undefined
}

/**
 * Holds a PUBLISH to the broker's Maximum QoS, Retain Available and Maximum Packet Size
 * (its Topic Alias Maximum is checked with the properties).
 * @throws {@link MqttValidationError}: `qos`, `retain` or `size`; nothing was sent.
 */
export function checkPublishLimits(limits: ServerLimits, publish: PublishToCheck): void {
  if (publish.qos > limits.maximumQoS) {
    refuse(
      'qos',
      `qos ${publish.qos} is above the broker's Maximum QoS of ${limits.maximumQoS} (CONNACK); it would disconnect (0x9B QoS not supported)`,
    )
  }
  if (publish.retain && !limits.retainAvailable) {
    refuse(
      'retain',
      'the broker does not support retained messages (Retain Available is 0 in its CONNACK); it would disconnect (0x9A Retain not supported)',
    )
  }
  if (limits.maximumPacketSize !== undefined) {
    checkSize(limits, `publish to ${publish.topic}`, publishPacketSize(publish))
  }
}

/** One SUBSCRIBE request, for {@link checkSubscribeLimits}. */
export interface SubscribeToCheck {
  filters: readonly { filter: string; shared: boolean }[]
  /** The identifier the user set in `properties.subscriptionIdentifier`, if any. */
  userIdentifier: boolean
}

/**
 * Holds a SUBSCRIBE to the broker's Wildcard, Shared Subscription and Subscription Identifier
 * Available flags.
 * @throws {@link MqttValidationError} (`filter` or `properties.subscriptionIdentifier`); nothing was sent.
 */
export function checkSubscribeLimits(limits: ServerLimits, request: SubscribeToCheck): void {
  for (const { filter, shared } of request.filters) {
    if (shared && !limits.sharedSubscriptionAvailable) {
      refuse(
        'filter',
        `cannot subscribe to ${filter}: the broker does not support shared subscriptions (Shared Subscription Available is 0 in its CONNACK; 0x9E)`,
      )
    }
    if (!limits.wildcardSubscriptionAvailable && (filter.includes('+') || filter.includes('#'))) {
      refuse(
        'filter',
        `cannot subscribe to ${filter}: the broker does not support wildcard subscriptions (Wildcard Subscription Available is 0 in its CONNACK; 0xA2)`,
      )
    }
  }
  if (request.userIdentifier && !limits.subscriptionIdentifiersAvailable) {
    refuse(
      'properties.subscriptionIdentifier',
      'the broker does not support subscription identifiers (Subscription Identifiers Available is 0 in its CONNACK; 0xA1)',
    )
  }
}

/** @throws {@link MqttValidationError} (`size`) when a SUBSCRIBE would exceed the Maximum Packet Size. */
export function checkSubscribeSize(
  limits: ServerLimits,
  filters: readonly string[],
  protocolVersion: 3 | 4 | 5,
  properties: SizedProperties | undefined,
): void {
  if (limits.maximumPacketSize === undefined) return
  checkSize(limits, 'subscribe', subscribePacketSize(filters, protocolVersion, properties))
}

/** @throws {@link MqttValidationError} (`size`) when an UNSUBSCRIBE would exceed the Maximum Packet Size. */
export function checkUnsubscribeSize(
  limits: ServerLimits,
  filters: readonly string[],
  protocolVersion: 3 | 4 | 5,
  properties: SizedProperties | undefined,
): void {
  if (limits.maximumPacketSize === undefined) return
  checkSize(limits, 'unsubscribe', unsubscribePacketSize(filters, protocolVersion, properties))
}
