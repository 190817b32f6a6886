/**
 * One worker of a `$share` pool in its own process, for share-workers.test.ts and
 * bench/share-scaling.ts (run with tsx, forked with an IPC channel):
 * `share-worker.ts <url> <clientId> <group> <topic> <qos> <workMs> [adopt]`. It connects (MQTT 5,
 * persistent session, `ack: 'after-processing'`), subscribes to `$share/<group>/<topic>`, and for
 * each job tells the parent `processing`, works `workMs` (a fixed time, as a job that waits on I/O),
 * then tells `processed`; its acknowledgement goes out after that. On `stop` it closes and exits.
 *
 * With `adopt`: it also leaves a will on `<topic>/gone` (its client id, published 1 s after it
 * dies), hears the wills of the pool on `$share/<group>/<topic>/gone` through a second, clean
 * connection (so only live workers are in that group), and takes over a dead worker's session with
 * `adoptSession`, processing what it held with the same handler.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { adoptSession, Client, type Message, type QoS } from '../../src/index.js'

/** What a worker tells the parent. */
export type WorkerReport =
  | { type: 'ready' }
  | { type: 'processing'; job: string; dup: boolean; adopted: boolean }
  | { type: 'processed'; job: string; adopted: boolean }
  | { type: 'adopting'; of: string }
  | { type: 'adopted'; of: string; sessionPresent: boolean; handled: number }
  | { type: 'adopt-failed'; of: string; error: string }

/** What the parent tells a worker. */
export type WorkerCommand = { type: 'stop' }

const [url, clientId, group, topic, qosArgument, workArgument, mode] = process.argv.slice(2)
if (url === undefined || clientId === undefined || group === undefined || topic === undefined) {
  throw new Error('usage: share-worker.ts <url> <clientId> <group> <topic> <qos> <workMs> [adopt]')
}
const qos = Number(qosArgument) as QoS
const workMs = Number(workArgument ?? 5)
const adopt = mode === 'adopt'
const gone = `${topic}/gone`
const shared = `$share/${group}/${topic}`
const report = (message: WorkerReport) => process.send?.(message)

const client = await Client.connect(url, {
  clientId,
  clean: false,
  sessionExpiryInterval: 600,
  ack: 'after-processing',
  protocolVersion: 5,
  // The delay lets mosquitto drop this process's watcher (a clean session) from the `gone` group
  // before it hands the will to a member: without it the will could go to the dead watcher.
  ...(adopt
    ? { will: { topic: gone, payload: clientId, qos: 1, properties: { willDelayInterval: 1 } } }
    : {}),
})
const watcher = adopt
  ? await Client.connect(url, { clientId: `${clientId}-watch`, protocolVersion: 5, ack: 'after-processing' })
  : undefined
process.on('message', (command: WorkerCommand) => {
  if (command.type === 'stop') void Promise.all([client.close(), watcher?.close()])
})

async function run(message: Message, adopted: boolean) {
  const job = message.text()
  report({ type: 'processing', job, dup: message.dup, adopted })
  await sleep(workMs)
  report({ type: 'processed', job, adopted })
}

/** Takes over the session of each worker whose will this one hears, one after the other. */
async function adoptTheDead(deaths: AsyncIterable<Message>) {
  for await (const death of deaths) {
    const dead = death.text()
    report({ type: 'adopting', of: dead })
    try {
      const { sessionPresent, handled } = await adoptSession(url ?? '', {
        clientId: dead,
        unsubscribe: shared,
        handler: (message) => run(message, true),
      })
      report({ type: 'adopted', of: dead, sessionPresent, handled })
    } catch (error) {
      report({ type: 'adopt-failed', of: dead, error: String(error) })
    }
  }
}

const jobs = client.messages(topic) // before SUBSCRIBE: what the session kept arrives first
await client.subscribe(shared, { qos })
const adopting = watcher === undefined ? undefined : adoptTheDead(watcher.messages(gone))
await watcher?.subscribe(`$share/${group}/${gone}`, { qos: 1 })
report({ type: 'ready' })
for await (const message of jobs) await run(message, false)
await adopting
process.disconnect()
