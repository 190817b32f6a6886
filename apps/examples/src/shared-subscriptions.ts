/**
 * Beyond the seed: shared subscriptions (MQTT 5), how consumers split the load.
 *
 * Every consumer subscribes to `$share/<group>/<filter>`; the broker hands each message to one
 * member of the group. On a broker that speaks MQTT 5 (mosquitto, EMQX, HiveMQ…) that is what runs.
 * The embedded aedes speaks MQTT 3.1.1 and has no `$share`, so there the demo says so and shows
 * the closest 3.1.1 pattern instead: the producer partitions the topic space, one partition each.
 *
 * On MQTT 5 it then shows what to do when a worker dies with jobs in hand: its persistent session
 * keeps them (mosquitto goes on assigning it new ones too) until that client id comes back, so a
 * survivor takes the session over with `adoptSession` and processes what it held.
 * @module
 */
import { adoptSession, Client, type Subscription } from '@await-mqtt/core'
import { onAbort } from './support/abort.js'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

const workers = ['worker-a', 'worker-b'] as const
const jobs = 6

interface Progress {
  delivered: number
  /** Aborted once every job was delivered (or the demo ran out of time): the workers stop. */
  readonly stop: AbortController
}

/** Prints what one worker takes from its subscription until the demo stops; returns how many. */
async function work(
  name: string,
  subscription: Subscription,
  progress: Progress,
  log: (line: string) => void,
) {
  const end = () => void subscription.unsubscribe().catch(() => {})
  progress.stop.signal.addEventListener('abort', end, { once: true })
  let taken = 0
  for await (const message of subscription) {
    taken++
    log(`${name} took ${message.text()}`)
    if (++progress.delivered === jobs) progress.stop.abort()
  }
  return taken
}

export async function main({ url, log, signal, prefix = 'demo' }: ExampleContext): Promise<void> {
  await using producer = await Client.connect(url)
  const consumers = await Promise.all(workers.map(() => Client.connect(url)))
  await using _ = { [Symbol.asyncDispose]: () => Promise.all(consumers.map((c) => c.close())).then(() => {}) }
  const shared = producer.protocolVersion === 5

  // Each consumer's filter, and the topic the producer publishes job `n` to.
  let filterOf: (worker: number) => string
  let topicOf: (job: number) => string
  if (shared) {
    log(`MQTT 5 broker: the workers share one subscription, $share/workers/${prefix}/jobs/#`)
    filterOf = () => `$share/workers/${prefix}/jobs/#`
    topicOf = (job) => `${prefix}/jobs/${job}`
  } else {
    log('note: this broker speaks MQTT 3.1.1 (aedes has no $share); run with MQTT_URL=mqtt://<mosquitto>')
    log('      to see shared subscriptions. Closest 3.1.1 pattern: partitioned topics, one per worker.')
    filterOf = (worker) => `${prefix}/jobs/partition-${worker}/#`
    topicOf = (job) => `${prefix}/jobs/partition-${job % workers.length}/${job}`
  }

  const progress: Progress = { delivered: 0, stop: new AbortController() }
  const timer = setTimeout(() => progress.stop.abort(), 5000) // demo only: never wait forever
  using _stop = onAbort(signal, () => progress.stop.abort())
  const subscriptions = await Promise.all(consumers.map((c, i) => c.subscribe(filterOf(i), { qos: 1 })))
  const working = subscriptions.map((s, i) => work(workers[i] ?? '', s, progress, log))

  for (let job = 1; job <= jobs; job++) await producer.publish(topicOf(job), `job ${job}`, { qos: 1 })
  const taken = await Promise.all(working)
  clearTimeout(timer)
  log(`${workers.map((name, i) => `${name}: ${taken[i]} jobs`).join(', ')}`)
  const verdict = progress.delivered === jobs ? 'each job went to exactly one worker' : 'some went missing'
  log(`${jobs} jobs, ${progress.delivered} deliveries: ${verdict}`)
  if (shared) await adoptTheDead({ url, log, prefix })
}

/** A worker dies holding tasks; a survivor adopts its session and runs them (MQTT 5). */
async function adoptTheDead({ url, log, prefix }: Pick<ExampleContext, 'url' | 'log'> & { prefix: string }) {
  const filter = `$share/crew/${prefix}/tasks/#`
  const clientId = `${prefix.replaceAll('/', '-')}-doomed`
  const doomed = await Client.connect(url, {
    clientId,
    clean: false,
    sessionExpiryInterval: 60,
    ack: 'manual',
  })
  const tasks = doomed.messages(`${prefix}/tasks/#`)
  await doomed.subscribe(filter, { qos: 1 })
  await using producer = await Client.connect(url)
  await producer.publish(`${prefix}/tasks/1`, 'task 1', { qos: 1 })
  await producer.publish(`${prefix}/tasks/2`, 'task 2', { qos: 1 })
  log(`doomed took ${(await tasks.read({ timeout: 5000 }))?.text()}, then died before acknowledging anything`)
  await doomed.close() // (a real crash: no DISCONNECT, and its will tells the others; see the docs)
  await producer.publish(`${prefix}/tasks/3`, 'task 3', { qos: 1 }) // still assigned to its session
  const { handled } = await adoptSession(url, {
    clientId,
    unsubscribe: filter,
    handler: (task) => log(`worker-a adopted ${task.text()}`),
  })
  log(`worker-a ran the ${handled} tasks the dead worker's session held, then ended that session`)
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
