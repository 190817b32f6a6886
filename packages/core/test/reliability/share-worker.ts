/**
 * One worker of a `$share` pool in its own process, for share-workers.test.ts and
 * bench/share-scaling.ts (run with tsx, forked with an IPC channel):
 * `share-worker.ts <url> <clientId> <group> <topic> <qos> <workMs>`. It connects (MQTT 5,
 * persistent session, `ack: 'after-processing'`), subscribes to `$share/<group>/<topic>`, and for
 * each job tells the parent `processing`, works `workMs` (a fixed time, as a job that waits on I/O),
 * then tells `processed`; its acknowledgement goes out after that. On `stop` it closes and exits.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Client, type QoS } from '../../src/index.js'

/** What a worker tells the parent. */
export type WorkerReport =
  | { type: 'ready' }
  | { type: 'processing'; job: string; dup: boolean }
  | { type: 'processed'; job: string }

/** What the parent tells a worker. */
export type WorkerCommand = { type: 'stop' }

const [url, clientId, group, topic, qosArgument, workArgument] = process.argv.slice(2)
if (url === undefined || clientId === undefined || group === undefined || topic === undefined) {
  throw new Error('usage: share-worker.ts <url> <clientId> <group> <topic> <qos> <workMs>')
}
const qos = Number(qosArgument) as QoS
const workMs = Number(workArgument ?? 5)
const report = (message: WorkerReport) => process.send?.(message)

const client = await Client.connect(url, {
  clientId,
  clean: false,
  sessionExpiryInterval: 600,
  ack: 'after-processing',
  protocolVersion: 5,
})
process.on('message', (command: WorkerCommand) => {
  if (command.type === 'stop') void client.close()
})
const jobs = client.messages(topic) // before SUBSCRIBE: what the session kept arrives first
await client.subscribe(`$share/${group}/${topic}`, { qos })
report({ type: 'ready' })
for await (const message of jobs) {
  const job = message.text()
  report({ type: 'processing', job, dup: message.dup })
  await sleep(workMs)
  report({ type: 'processed', job })
}
process.disconnect()
