import { Client } from '@await-mqtt/core'
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
