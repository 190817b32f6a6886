import { isFailure } from '../errors/reason-codes.js'
import type { Connection } from '../mqttjs/connection.js'
import { toCodeError } from '../mqttjs/translate-error.js'
import type { Packet } from '../mqttjs/types.js'
import type { Logger } from '../options/client-options.js'
import type { OutgoingCalls } from '../outgoing/outgoing-calls.js'
import { grantedCodes, type PacketSession, subscribePackets } from '../subscriptions/subscribe-packets.js'
import type { ActiveSubscription } from '../subscriptions/subscription.js'
import type { SubscriptionRegistry } from '../subscriptions/subscription-registry.js'

type IUnsubackPacket = Extract<Packet, { cmd: 'unsuback' }>

/** What restoring subscriptions needs from the session (named here: session.ts imports this side). */
export interface ResubscribingSession extends PacketSession {
  readonly subscriptions: SubscriptionRegistry<ActiveSubscription>
  readonly calls: OutgoingCalls
  readonly logger: Logger | undefined
}

/**
 * After a reconnection without a session on the broker: sends every live subscription's SUBSCRIBE
 * again (its filters, QoS and MQTT 5 options), in the order they were made, so the broker ends up
 * with the same subscriptions. A filter the broker now refuses ends that subscription with
 * {@link MqttCodeError}. Subscriptions still waiting for their first SUBACK are left to their own
 * `subscribe()` call, which sends again by itself.
 * @throws when a SUBSCRIBE gets no answer within `timeout` or the connection drops (the session retries).
 */
export async function resubscribe(
  session: ResubscribingSession,
  connection: Connection,
  timeout: number,
): Promise<void> {
  const sent: Array<Promise<void>> = []
  for (const subscription of session.subscriptions.subscriptions) {
    if (!subscription.wasGranted || subscription.held.length === 0) continue
    // each filter keeps its MQTT 5 Subscription Identifier: one packet per identifier
    for (const packet of subscribePackets(session, subscription.held, subscription.request, false)) {
      const subscribing = session.calls.run<Packet | undefined>('resubscribe', timeout, undefined, (done) =>
        connection.subscribe(packet.map, packet.options, done),
      )
      sent.push(
        subscribing.then((suback) => {
          const refused = [...grantedCodes(packet, suback)].find(([, code]) => isFailure(code))
          if (refused === undefined) return
          const [filter, code] = refused
          const error = toCodeError(`subscribe to ${filter} (again, after reconnecting)`, code)
          session.logger?.warn({ filter, error: error.message }, 'mqtt resubscription refused')
          subscription.refuse(error)
        }),
      )
    }
  }
  await Promise.all(sent)
}

/**
 * After a reconnection to a session the broker kept: sends UNSUBSCRIBE for the filters whose last
 * subscription was disposed while the connection was down.
 */
export async function unsubscribeLeftovers(
  session: ResubscribingSession,
  connection: Connection,
  filters: readonly string[],
  timeout: number,
): Promise<void> {
  const orphans = filters.filter((filter) => !session.subscriptions.held(filter))
  if (orphans.length === 0) return
  const unsuback = (await session.calls.run<Packet | undefined>('unsubscribe', timeout, undefined, (done) =>
    connection.unsubscribe(orphans, {}, done),
  )) as IUnsubackPacket | undefined
  const refused = (unsuback?.granted ?? []).findIndex(isFailure)
  if (refused !== -1) {
    session.logger?.warn({ filter: orphans[refused] }, 'mqtt could not unsubscribe after reconnecting')
  }
}
