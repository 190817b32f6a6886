import type { Packet } from 'mqtt'
import type { Connection } from '../connection.js'
import type { Session } from '../session.js'
import { subscriptionMap } from '../subscribe.js'
import { toCodeError } from '../translate-error.js'

type ISubackPacket = Extract<Packet, { cmd: 'suback' }>
type IUnsubackPacket = Extract<Packet, { cmd: 'unsuback' }>

/**
 * After a reconnection without a session on the broker: sends every live subscription's SUBSCRIBE
 * again (its filters, QoS and MQTT 5 options), in the order they were made, so the broker ends up
 * with the same subscriptions. A filter the broker now refuses ends that subscription with
 * {@link MqttCodeError}. Subscriptions still waiting for their first SUBACK are left to their own
 * `subscribe()` call, which sends again by itself.
 * @throws when a SUBSCRIBE gets no answer within `timeout` or the connection drops (the session retries).
 */
export async function resubscribe(session: Session, connection: Connection, timeout: number): Promise<void> {
  const sent: Array<Promise<void>> = []
  for (const subscription of session.subscriptions.subscriptions) {
    if (subscription.granted.length === 0 || subscription.held.length === 0) continue
    const filters = [...subscription.held]
    const map = subscriptionMap(filters, subscription.request, connection.protocolVersion)
    const { properties } = subscription.request
    const options = properties && connection.protocolVersion === 5 ? { properties } : {}
    const subscribing = session.calls.run<Packet | undefined>('resubscribe', timeout, undefined, (done) =>
      connection.subscribe(map, options, done),
    )
    sent.push(
      subscribing.then((packet) => {
        const codes = (packet as ISubackPacket).granted.map((code) =>
          typeof code === 'number' ? code : 0x80,
        )
        const refused = codes.findIndex((code) => code >= 0x80)
        if (refused === -1) return
        const error = toCodeError(
          `subscribe to ${filters[refused]} (again, after reconnecting)`,
          codes[refused] ?? 0x80,
        )
        session.logger?.warn(
          { filter: filters[refused], error: error.message },
          'mqtt resubscription refused',
        )
        subscription.refuse(error)
      }),
    )
  }
  await Promise.all(sent)
}

/**
 * After a reconnection to a session the broker kept: sends UNSUBSCRIBE for the filters whose last
 * subscription was disposed while the connection was down.
 */
export async function unsubscribeLeftovers(
  session: Session,
  connection: Connection,
  filters: readonly string[],
  timeout: number,
): Promise<void> {
  const orphans = filters.filter((filter) => !session.subscriptions.held(filter))
  if (orphans.length === 0) return
  const unsuback = (await session.calls.run<Packet | undefined>('unsubscribe', timeout, undefined, (done) =>
    connection.unsubscribe(orphans, {}, done),
  )) as IUnsubackPacket | undefined
  const refused = (unsuback?.granted ?? []).findIndex((code: number) => code >= 0x80)
  if (refused !== -1) {
    session.logger?.warn({ filter: orphans[refused] }, 'mqtt could not unsubscribe after reconnecting')
  }
}
