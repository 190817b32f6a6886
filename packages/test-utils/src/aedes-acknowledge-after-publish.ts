/**
 * Makes an aedes 1.2 broker acknowledge a client's QoS 1/2 PUBLISH only once the message is in
 * Redis, so that a cluster node SIGKILLed mid-stream loses nothing it acknowledged. Used by
 * aedes-cluster-node.ts.
 *
 * Why: aedes's PUBLISH handler (lib/handlers/publish.js) orders things so that a crash loses
 * acknowledged messages:
 * - QoS 1: it writes PUBACK, and only in that write's callback calls `broker.publish`, which queues
 *   the message for persistent subscribers (aedes-persistence-redis) and sends it on the emitter
 *   (mqemitter-redis, whose callback waits for Redis's reply to PUBLISH). A node killed after the
 *   PUBACK and before those writes has acknowledged a message that exists nowhere.
 * - QoS 2: it stores the PUBLISH as "incoming" in Redis, then calls `broker.publish`, then writes
 *   PUBREC. A node killed between the store and the publish leaves a stored packet that was never
 *   published; the client resends the PUBLISH to the next node, which finds it stored, takes it for
 *   a duplicate and only answers PUBREC: the PUBCOMP that follows acknowledges a lost message.
 *
 * The fix, from outside aedes: `authorizePublish` runs before either of those steps and waits for
 * its callback, so it publishes the message itself (the whole of `broker.publish`: the queues of
 * persistent subscribers, then the emitter) and lets aedes go on only after that; aedes's own
 * `broker.publish` call for the same packet object is then skipped. So at QoS 1 the PUBACK follows
 * the publish, and at QoS 2 the incoming store does, which makes "stored" mean "published": the
 * next node's duplicate check is right again. A QoS 2 PUBLISH already stored (a resend) is not
 * published a second time. What is left is duplicates, never loss: a node killed after the publish
 * and before the PUBACK (QoS 1) or the store (QoS 2) has its message published again when the
 * client resends it to the next node.
 * @module
 */
import type { Aedes, Client } from 'aedes'

/** A PUBLISH as aedes's `authorizePublish` gets it. */
type PublishPacket = Parameters<Aedes['authorizePublish']>[1]
type Done = (error?: Error | null) => void
/** `broker.publish` as aedes calls it: `(packet, client, done)`, or `(packet, done)` from the API. */
type Publish = (packet: PublishPacket, client?: Client | null | Done, done?: Done) => void

/** The part of the persistence this needs: aedes-persistence's incoming (QoS 2) store. */
export interface IncomingStore {
  /** Resolves with the stored packet, rejects when there is none. */
  incomingGetPacket(client: Client, packet: PublishPacket): Promise<unknown>
}

/**
 * Installs the ordering on `broker` (its `authorizePublish` and `publish`), keeping its current
 * `authorizePublish` as the authorization step. Call it right after the broker is created, before
 * clients connect.
 */
export function acknowledgeAfterPublish(broker: Aedes, persistence: IncomingStore): void {
  const authorize = broker.authorizePublish.bind(broker)
  // aedes's types give `publish` two arguments; its handlers call it with three
  const publish = (broker.publish as unknown as Publish).bind(broker)
  // The packets published ahead of aedes: aedes passes the same object to `authorizePublish` and
  // then to `broker.publish`, which must not publish it again.
  const published = new WeakSet<PublishPacket>()

  const publishFirst = (client: Client, packet: PublishPacket, done: Done) =>
    publish(packet, client, (error) => {
      if (error) return done(error)
      published.add(packet)
      done(null)
    })

  broker.authorizePublish = (client, packet, done) => {
    authorize(client, packet, (refused) => {
      // Wills (no messageId, no client at a cluster's will sweep) and QoS 0 go aedes's own way.
      if (refused || client === null || packet.qos === 0 || packet.messageId === undefined)
        return done(refused)
      if (packet.qos === 1) return publishFirst(client, packet, done)
      persistence.incomingGetPacket(client, packet).then(
        // stored, so already published (stores follow publishes here): aedes answers PUBREC only
        () => done(null),
        () => publishFirst(client, packet, done),
      )
    })
  }

  const skippingPublished: Publish = (packet, client, done) => {
    const callback = typeof client === 'function' ? client : done
    if (published.delete(packet)) return void setImmediate(() => callback?.(null))
    publish(packet, client, done)
  }
  Object.assign(broker, { publish: skippingPublished })
}
