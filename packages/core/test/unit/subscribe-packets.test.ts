import { describe, expect, it } from 'vitest'
import type { Session } from '../../src/session/session.js'
import { identifiersAvailable, subscribePackets } from '../../src/subscriptions/subscribe-packets.js'
import type { SubscribeRequest } from '../../src/subscriptions/subscription.js'
import { SubscriptionRegistry } from '../../src/subscriptions/subscription-registry.js'

/** What subscribePackets reads of a session: its protocol version, CONNACK and registry. */
function sessionWith(protocolVersion: 4 | 5, subscriptionIdentifiersAvailable?: boolean): Session {
  const properties =
    subscriptionIdentifiersAvailable === undefined ? {} : { subscriptionIdentifiersAvailable }
  const connack = { cmd: 'connack', returnCode: 0, sessionPresent: false, properties }
  const fields = { protocolVersion, connection: { connack }, subscriptions: new SubscriptionRegistry() }
  return fields as unknown as Session
}

const request = (properties?: SubscribeRequest['properties']): SubscribeRequest => ({
  qos: 1,
  nl: false,
  rap: false,
  rh: 0,
  properties,
})

describe('subscribePackets', () => {
  it('MQTT 5: one packet per identifier, overlapping filters apart, user properties kept', () => {
    const session = sessionWith(5)
    const packets = subscribePackets(
      session,
      ['a/#', 'a/b', 'c'],
      request({ userProperties: { k: 'v' } }),
      true,
    )
    expect(packets.map((packet) => [packet.filters, packet.options])).toEqual([
      [['a/#', 'c'], { properties: { userProperties: { k: 'v' }, subscriptionIdentifier: 1 } }],
      [['a/b'], { properties: { userProperties: { k: 'v' }, subscriptionIdentifier: 2 } }],
    ])
    expect(packets[0]?.map).toEqual({
      'a/#': { qos: 1, nl: false, rap: false, rh: 0 },
      c: { qos: 1, nl: false, rap: false, rh: 0 },
    })
    const again = subscribePackets(session, ['c', 'a/b'], request(), false)
    expect(again.map((packet) => packet.options)).toEqual([
      { properties: { subscriptionIdentifier: 1 } },
      { properties: { subscriptionIdentifier: 2 } },
    ])
  })

  it("sends the user's own identifier as it is", () => {
    const packets = subscribePackets(
      sessionWith(5),
      ['a', 'b/#', 'b/c'],
      request({ subscriptionIdentifier: 9 }),
      true,
    )
    expect(packets.map((packet) => [packet.filters, packet.options])).toEqual([
      [['a', 'b/#', 'b/c'], { properties: { subscriptionIdentifier: 9 } }],
    ])
  })

  it('no identifiers when the broker has none, or under MQTT 3.1.1', () => {
    for (const session of [sessionWith(5, false), sessionWith(4)]) {
      expect(identifiersAvailable(session)).toBe(false)
      const packets = subscribePackets(session, ['a/#', 'a/b'], request(), true)
      expect(packets.map((packet) => [packet.filters, packet.options])).toEqual([[['a/#', 'a/b'], {}]])
      expect(session.subscriptions.identifiers.size).toBe(0)
    }
    expect(identifiersAvailable(sessionWith(5, true))).toBe(true)
  })
})
