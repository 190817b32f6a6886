/**
 * For object-layout.test.ts, in its own process (tsx, `--expose-gc --allow-natives-syntax`):
 * `object-layout-process.ts <url>`. Makes, uses and closes six clients, lets the garbage collector
 * take them, then connects a seventh and prints (one JSON line) whether its per-client objects
 * have fast (not dictionary-mode) properties.
 *
 * Why six: V8 ends in-object slack tracking at a class's seventh instance, sizing its objects from
 * the earlier instances' shapes. When those are all collected by then, it keeps no in-object slot
 * at all, and an object that then defines a `#private` field past its 15th property becomes a
 * dictionary (about 1.5 KiB more each). A program that makes one short-lived client at a time
 * gets there. `Witness`, a class of 16 `#private` fields taken through the same steps, shows
 * whether this V8 does it.
 */

import { Client } from '../../src/index.js'
import type { Connection } from '../../src/mqttjs/connection.js'
import { Session } from '../../src/session/session.js'

/** What the process prints: per object, whether it has fast properties. */
export interface ObjectLayoutReport {
  /** How many of the six earlier clients' sessions the collector left (the condition needs none). */
  earlierAlive: number
  witness: boolean
  session: boolean
  connection: boolean
  socketStream: boolean
  subscriptionStream: boolean
  messagesStream: boolean
}

const [url] = process.argv.slice(2)
if (url === undefined) throw new Error('usage: object-layout-process.ts <url>')
const gc = globalThis.gc
if (gc === undefined) throw new Error('run with --expose-gc')
const fast = new Function('object', 'return %HasFastProperties(object)') as (object: object) => boolean
// Plain JavaScript, so no transform can change how its fields are defined.
const Witness = new Function(
  `return class Witness { ${Array.from({ length: 16 }, (_, index) => `#field${index} = ${index}`).join('; ')} }`,
)() as new () => object

// The sessions and connections made from here on (no public way to reach them).
const earlier: WeakRef<Session>[] = []
const attached: Array<{ session: Session; connection: Connection }> = []
const attach = Session.prototype.attach
Session.prototype.attach = function (this: Session, connection: Connection): void {
  attached.push({ session: this, connection })
  earlier.push(new WeakRef(this))
  attach.call(this, connection)
}

const connect = (index: number) =>
  Client.connect(url, { protocolVersion: 4, clientId: `object-layout-${process.pid}-${index}` })

/** In a function of its own: a suspended top-level await would keep its last client in a register. */
async function makeAndClose(index: number): Promise<void> {
  const client = await connect(index)
  // One stream each (the subscription's): the seventh is the seventh client's.
  await client.subscribe(`object-layout/${process.pid}/${index}`)
  new Witness()
  await client.close()
}

for (let index = 0; index < 6; index++) await makeAndClose(index)
attached.length = 0
for (let round = 0; round < 3; round++) {
  gc()
  await new Promise((resolve) => setImmediate(resolve))
}

const earlierAlive = earlier.filter((session) => session.deref() !== undefined).length
const client = await connect(6)
const subscription = await client.subscribe(`object-layout/${process.pid}/6`)
const messages = client.messages(`object-layout/${process.pid}/+/messages`)
const witness = new Witness()
const [last] = attached
if (last === undefined) throw new Error('the seventh client attached no connection')
const [active] = last.session.subscriptions.subscriptions
if (active === undefined) throw new Error('the seventh client has no subscription')
const report: ObjectLayoutReport = {
  earlierAlive,
  witness: fast(witness),
  session: fast(last.session),
  connection: fast(last.connection),
  socketStream: fast(last.connection.mqtt.stream),
  subscriptionStream: fast(active.stream),
  messagesStream: fast(messages),
}
console.log(JSON.stringify(report))
await subscription.unsubscribe()
await messages[Symbol.asyncDispose]()
await client.close()
