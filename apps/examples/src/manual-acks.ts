/**
 * Beyond the seed: acknowledging each message yourself (`ack: 'manual'`).
 *
 * A worker takes three jobs at once and finishes them out of order; each is acknowledged
 * (`message.ack()`) when its work is done, not when it arrived. The job that fails is not
 * acknowledged: the worker stops, a new one resumes the persistent session (`clean: false`), and
 * the broker sends that job again. Nothing else comes back: the others were acknowledged.
 * @module
 */
import { Client, type ClientOptions, type Message, withClient } from '@await-mqtt/core'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

/** A job: its work takes `ms`; "job 2" fails the first time. */
async function work(job: Message, attempt: number): Promise<void> {
  const ms = Number(job.text().slice(-1)) === 1 ? 30 : 5 // job 1 is slow: the others finish first
  await new Promise((resolve) => setTimeout(resolve, ms))
  if (job.text() === 'job 2' && attempt === 1) throw new Error('the database was down')
}

export async function main({ url, log, prefix = 'demo' }: ExampleContext): Promise<void> {
  const topic = `${prefix}/jobs`
  const worker: ClientOptions = {
    ack: 'manual', // PUBACK when the program says so
    clientId: `${prefix.replaceAll('/', '-')}-worker`.slice(-23),
    clean: false, // the broker keeps the session (and what is not acknowledged) across connections
    sessionExpiryInterval: 60, // MQTT 5: for 60 s after the worker leaves
  }

  // First worker: takes every job at once, acknowledges each when its work is done.
  await withClient({ url, ...worker }, async (client) => {
    const jobs = await client.subscribe(topic, { qos: 1 }) // kept in the session: not disposed
    await withClient(url, async (producer) => {
      for (const n of [1, 2, 3]) await producer.publish(topic, `job ${n}`, { qos: 1 })
    })
    const running: Promise<void>[] = []
    for await (const job of jobs) {
      running.push(
        work(job, 1).then(
          () => {
            job.ack() // out of order: job 3 and job 1 are acknowledged whenever they finish
            log(`worker 1 finished ${job.text()}: acknowledged`)
          },
          (error: Error) => log(`worker 1 failed ${job.text()} (${error.message}): not acknowledged`),
        ),
      )
      if (running.length === 3) break
    }
    await Promise.all(running)
  })

  // Second worker, same session: the broker sends what was not acknowledged, and only that.
  await using client = await Client.connect({ url, ...worker })
  const again = client.messages(topic)
  const job = await again.read({ timeout: 5_000 }) // MqttTimeoutError if the broker sent nothing
  if (job === undefined) return
  await work(job, 2)
  job.ack()
  log(`worker 2 got ${job.text()} again: done and acknowledged`)
  await client.unsubscribe(topic) // demo only: leave no session behind
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
