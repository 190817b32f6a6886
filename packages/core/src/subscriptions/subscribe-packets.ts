import { ReasonCode } from '../errors/reason-codes.js'
import type { IClientSubscribeOptions, IConnackPacket, ISubscriptionMap, Packet } from '../mqttjs/types.js'
import type { FilterIdentifiers } from './filter-identifiers.js'
import type { SubscribeRequest } from './subscription.js'

type ISubackPacket = Extract<Packet, { cmd: 'suback' }>

/**
 * What building SUBSCRIBE packets needs from the session (the `Session` has it; named here so the
 * reconnector, which resubscribes, does not import session.ts, which starts it).
 */
export interface PacketSession {
  readonly protocolVersion: 3 | 4 | 5
  readonly connection: { readonly connack: IConnackPacket | undefined } | undefined
  readonly subscriptions: { readonly identifiers: FilterIdentifiers }
}

/** One SUBSCRIBE to send: its filters, the MQTT.js subscription map and options. */
export interface SubscribePacket {
  readonly filters: readonly string[]
  readonly map: ISubscriptionMap
  readonly options: Partial<IClientSubscribeOptions>
}

/** The MQTT.js subscription map for `filters` (also what a reconnecting session resubscribes with). */
export function subscriptionMap(
  filters: readonly string[],
  request: SubscribeRequest,
  protocolVersion: number,
): ISubscriptionMap {
  // Keyed by topic filters, a new name each time: as a dictionary from the start, so no hidden
  // class is made for every filter subscribed to (a plain {} gets a map transition per new key).
  const map = Object.create(null) as ISubscriptionMap
  for (const filter of filters) {
    const { qos, nl, rap, rh } = request.byFilter?.get(filter) ?? request
    map[filter] = protocolVersion === 5 ? { qos, nl, rap, rh } : { qos }
  }
  return map
}

/**
 * Whether SUBSCRIBEs carry our Subscription Identifiers: MQTT 5, unless the broker's CONNACK said
 * it has none (`subscriptionIdentifiersAvailable: false`).
 */
export function identifiersAvailable(session: PacketSession): boolean {
  const connack = session.connection?.connack
  return session.protocolVersion === 5 && connack?.properties?.subscriptionIdentifiersAvailable !== false
}

/**
 * The SUBSCRIBE packets for `filters` of one subscription request. Under MQTT 5 each held filter
 * has a Subscription Identifier (see filter-identifiers.ts), so the filters go in one packet
 * per identifier: one packet unless some of them overlap, or one is held already under another
 * identifier. Without identifiers (`request.identifiers === false`, 3.1.1), always one packet. `assign`: a new subscription (gives new filters an identifier); otherwise a
 * resubscription after a reconnect (each filter keeps its identifier). An identifier the user set
 * in `request.properties` is sent as it is.
 */
export function subscribePackets(
  session: PacketSession,
  filters: readonly string[],
  request: SubscribeRequest,
  assign: boolean,
): SubscribePacket[] {
  const protocolVersion = session.protocolVersion
  // Without our identifiers (the caller's own, or none at all) the filters are marked unknown:
  // their copies are routed by topic (see FilterIdentifiers.route).
  const user = request.properties?.subscriptionIdentifier !== undefined || request.identifiers === false
  const groups = !identifiersAvailable(session)
    ? [{ id: undefined, filters: [...filters] }]
    : assign
      ? session.subscriptions.identifiers.assign(filters, user)
      : session.subscriptions.identifiers.groups(filters)
  return groups.map(({ id, filters: members }) => {
    const properties =
      id === undefined ? request.properties : { ...request.properties, subscriptionIdentifier: id }
    return {
      filters: members,
      map: subscriptionMap(members, request, protocolVersion),
      options: properties && protocolVersion === 5 ? { properties } : {},
    }
  })
}

/** The reason codes of a SUBACK, by filter of the packet it answers. */
export function grantedCodes(packet: SubscribePacket, suback: Packet | undefined): Map<string, number> {
  const granted = (suback as ISubackPacket | undefined)?.granted ?? []
  return new Map(
    packet.filters.map((filter, index) => {
      const code = granted[index]
      return [filter, typeof code === 'number' ? code : ReasonCode.UnspecifiedError]
    }),
  )
}
