import type { IConnackPacket } from '../mqttjs/types.js'
import type { UserProperties } from '../options/client-options.js'
import { limitsOf, type ServerLimits } from '../validation/server-limits.js'

/**
 * What the broker said when it accepted the connection (its CONNACK), as `client.connack` and the
 * `connected` event of `client.events()` show it. A property the broker left out has the value
 * MQTT 5 gives it when absent (section 3.2.2.3); under MQTT 3.1.1, which has no properties, every
 * field but `sessionPresent` has that default. Updated on each reconnection.
 * @example
 * const client = await Client.connect('mqtt://localhost', { clean: false, sessionExpiryInterval: 300 })
 * if (!client.connack.sessionPresent) await client.subscribe('jobs/#', { qos: 1 })
 * console.log(`the broker takes ${client.connack.receiveMaximum} QoS 1/2 publishes at once`)
 */
export interface ConnackInfo extends Readonly<ServerLimits> {
  /** Whether the broker kept a session from an earlier connection (then nothing was resubscribed). */
  readonly sessionPresent: boolean
  /** The CONNACK reason code (MQTT 5) or return code (3.1.1): 0 on success. */
  readonly reasonCode: number
  /** How many QoS 1/2 publishes the broker takes at once before acknowledging them. @default 65535 */
  readonly receiveMaximum: number
  /**
   * Keepalive in seconds the broker asked for (Server Keep Alive), which the client uses instead
   * of its own `keepalive`. @default the client's `keepalive`
   */
  readonly serverKeepAlive: number
  /**
   * Seconds the broker keeps the session after the connection closes (it may lower what the
   * client asked for). @default the client's `sessionExpiryInterval` (0 when not set)
   */
  readonly sessionExpiryInterval: number
  /** The client identifier the broker assigned when the client sent an empty one. */
  readonly assignedClientIdentifier: string | undefined
  /** Response Information, when the client asked for it (`properties.requestResponseInformation`). */
  readonly responseInformation: string | undefined
  /** Another server the client should use (Server Reference). */
  readonly serverReference: string | undefined
  /** The broker's human-readable note about the connection. */
  readonly reasonString: string | undefined
  /** The broker's user properties. @default {} */
  readonly userProperties: Readonly<UserProperties>
}

/** What the client asked for in CONNECT: the defaults of the properties a CONNACK leaves out. */
export interface ConnectRequest {
  keepalive: number
  sessionExpiryInterval: number
}

/** The user properties of a CONNACK that has none: one frozen object for every client. */
const noUserProperties: Readonly<UserProperties> = Object.freeze({})

/**
 * The last {@link ConnackInfo} made for a CONNACK without properties (MQTT 3.1.1, or a terse MQTT 5
 * broker), with what it was made from: thousands of clients of one broker share it.
 */
let plain: { key: string; info: ConnackInfo } | undefined

/** The {@link ConnackInfo} of `connack`; the {@link ServerLimits} are read as the publish checks read them. */
export function connackInfo(connack: IConnackPacket | undefined, request: ConnectRequest): ConnackInfo {
  const properties = connack?.properties
  const sessionPresent = connack?.sessionPresent === true
  const reasonCode = connack?.reasonCode ?? connack?.returnCode ?? 0
  if (properties === undefined) {
    const key = `${sessionPresent} ${reasonCode} ${request.keepalive} ${request.sessionExpiryInterval}`
    if (plain?.key !== key) plain = { key, info: makeInfo(sessionPresent, reasonCode, connack, {}, request) }
    return plain.info
  }
  return makeInfo(sessionPresent, reasonCode, connack, properties, request)
}

function makeInfo(
  sessionPresent: boolean,
  reasonCode: number,
  connack: IConnackPacket | undefined,
  p: NonNullable<IConnackPacket['properties']>,
  request: ConnectRequest,
): ConnackInfo {
  const limits = limitsOf(connack)
  return Object.freeze({
    sessionPresent,
    reasonCode,
    maximumPacketSize: limits.maximumPacketSize,
    topicAliasMaximum: limits.topicAliasMaximum,
    retainAvailable: limits.retainAvailable,
    maximumQoS: limits.maximumQoS,
    wildcardSubscriptionAvailable: limits.wildcardSubscriptionAvailable,
    sharedSubscriptionAvailable: limits.sharedSubscriptionAvailable,
    subscriptionIdentifiersAvailable: limits.subscriptionIdentifiersAvailable,
    receiveMaximum: p.receiveMaximum ?? 65_535,
    serverKeepAlive: p.serverKeepAlive ?? request.keepalive,
    sessionExpiryInterval: p.sessionExpiryInterval ?? request.sessionExpiryInterval,
    assignedClientIdentifier: p.assignedClientIdentifier,
    responseInformation: p.responseInformation,
    serverReference: p.serverReference,
    reasonString: p.reasonString,
    userProperties:
      p.userProperties === undefined ? noUserProperties : Object.freeze({ ...p.userProperties }),
  })
}
