/**
 * A consumer in its own process, for consumer-crash.test.ts (run with tsx, forked with an IPC
 * channel): `crash-consumer.ts <url> <clientId> <topic> <qos>`. It connects with a persistent
 * session and `ack: 'after-processing'`, subscribes, and processes each message: publishes a result
 * (QoS 1, to `<topic>-results`, awaited), tells the parent `processing`, waits until the parent
 * says `done` (the parent may SIGKILL it instead), then tells `processed`. On `stop` it closes the
 * client and exits.
 */
import { Client, type QoS } from '../../src/index.js'

/** What the consumer tells the parent. */
export type ConsumerReport =
  | { type: 'ready' }
  | { type: 'processing'; payload: string; dup: boolean }
  | { type: 'processed'; payload: string }

/** What the parent tells the consumer. */
export type ConsumerCommand = { type: 'done'; payload: string } | { type: 'stop' }

const [url, clientId, topic, qosArgument] = process.argv.slice(2)
if (url === undefined || clientId === undefined || topic === undefined) {
  throw new Error('usage: crash-consumer.ts <url> <clientId> <topic> <qos>')
}
const qos = Number(qosArgument) as QoS
const report = (message: ConsumerReport) => process.send?.(message)

const client = await Client.connect(url, {
  clientId,
  clean: false,
  sessionExpiryInterval: 600,
  ack: 'after-processing',
  protocolVersion: 5,
})
const processing = new Map<string, () => void>()
process.on('message', (command: ConsumerCommand) => {
  if (command.type === 'done') processing.get(command.payload)?.()
  else void client.close()
})
const messages = client.messages(topic) // before SUBSCRIBE: what the session kept arrives first
await client.subscribe(topic, { qos })
report({ type: 'ready' })
for await (const message of messages) {
  const payload = message.text()
  // Its PUBACK also tells that the broker read every acknowledgement written before this PUBLISH.
  await client.publish(`${topic}-results`, payload, { qos: 1 })
  report({ type: 'processing', payload, dup: message.dup })
  await new Promise<void>((resolve) => processing.set(payload, resolve))
  processing.delete(payload)
  report({ type: 'processed', payload })
}
process.disconnect()
