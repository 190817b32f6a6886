import { adoptSession, Client, type Message } from '@await-mqtt/core'
import { formatShared } from '@await-mqtt/topic-trie'

declare function handleJob(job: unknown): Promise<void>

export async function worker() {
  // #region worker
  // Run this in as many processes as you like: the broker hands each job to one of them.
  await using client = await Client.connect('mqtt://broker.cluster.local', {
    clientId: `worker-${crypto.randomUUID()}`,
  })
  await using jobs = await client.subscribe('$share/workers/jobs/#', { qos: 1, maxQueued: 100 })
  for await (const job of jobs) {
    await handleJob(job.json()) // job.topic.value is 'jobs/...': the $share prefix is the broker's business
  }
  // #endregion worker
}

export async function built() {
  // #region format
  const filter = formatShared('workers', 'jobs/#') // '$share/workers/jobs/#', validated
  // #endregion format
  return filter
}

declare function runJob(job: Message): Promise<void>

export async function adoptingWorker(url: string, clientId: string) {
  // #region adopt
  const shared = '$share/workers/jobs/#'
  const gone = 'workers/gone'
  // The worker: a persistent session, and a will the broker publishes if the process dies.
  await using client = await Client.connect(url, {
    clientId, // stable and unique, e.g. from the host name
    clean: false,
    sessionExpiryInterval: 3600,
    ack: 'after-processing',
    will: { topic: gone, payload: clientId, qos: 1, properties: { willDelayInterval: 5 } },
  })
  // A second, clean connection hears the pool's wills: clean, so a dead worker's watcher leaves
  // the group with it, and $share, so one survivor (not all) adopts a given session.
  await using watcher = await Client.connect(url, { clientId: `${clientId}-watch`, ack: 'after-processing' })
  const jobs = client.messages('jobs/#')
  const deaths = watcher.messages(gone)
  await client.subscribe(shared, { qos: 1 })
  await watcher.subscribe(`$share/workers/${gone}`, { qos: 1 })

  const adopting = (async () => {
    for await (const death of deaths) {
      // Resumes the dead worker's session, unsubscribes it, runs what it held, then ends it.
      await adoptSession(url, { clientId: death.text(), unsubscribe: shared, handler: runJob }).catch(
        (error: unknown) => console.error(`could not adopt ${death.text()}`, error),
      )
    }
  })()
  for await (const job of jobs) await runJob(job)
  await adopting
  // #endregion adopt
}
