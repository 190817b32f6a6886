import { Client, handleMessages, type Message, MqttTimeoutError } from '@await-mqtt/core'

declare function save(job: Message): Promise<void>
declare function valid(job: Message): boolean

export async function manual() {
  // #region manual
  await using client = await Client.connect({ url: 'mqtt://localhost', ack: 'manual' })
  await using jobs = await client.subscribe('jobs/#', { qos: 1 })
  for await (const job of jobs) {
    if (!valid(job)) {
      job.reject(0x99) // MQTT 5: PUBACK "payload format invalid"; the broker will not send it again
      continue
    }
    // Acknowledged once saved, in whatever order the saves finish. A failed save is not
    // acknowledged: the broker sends the job again after a reconnect (persistent session).
    save(job).then(
      () => job.ack(),
      (error: unknown) => console.error('not acknowledged', error),
    )
  }
  // #endregion manual
}

export async function read(client: Client) {
  // #region read
  await using readings = client.messages('sensors/+/temperature')
  await client.subscribe('sensors/+/temperature')
  try {
    const reading = await readings.read({ timeout: 5_000 }) // undefined once the stream ended
    console.log(reading?.text())
  } catch (error) {
    if (!(error instanceof MqttTimeoutError)) throw error
    console.log('no reading within 5 s') // nothing was taken: the next read gets the late one
  }
  // #endregion read
}

export async function signal(client: Client) {
  // #region signal
  const stop = AbortSignal.timeout(60_000) // or your request's / worker's signal
  const alerts = await client.subscribe('alerts/#', { qos: 1, signal: stop })
  for await (const alert of alerts) console.log(alert.text())
  // the loop ended when the signal aborted, and 'alerts/#' was unsubscribed

  for await (const event of client.messages('events/#', { signal: stop })) console.log(event.text())
  // #endregion signal
}

export async function named(client: Client) {
  // #region named
  await using temperatures = await client.subscribe('sensors/+room/temperature/#unit')
  console.log(temperatures.filters) // ['sensors/+/temperature/#']: what the broker sees
  for await (const reading of temperatures) {
    const { room, unit } = reading.params // { room: string; unit: string[] }, typed from the filter
    console.log(room, unit.join('/'), reading.text())
  }
  // #endregion named
}

export async function handle(client: Client, signal: AbortSignal) {
  // #region handle
  const jobs = await client.subscribe('$share/workers/jobs/+kind', { qos: 1 })
  await handleMessages(jobs, (job) => console.log(job.params.kind, job.text()), {
    signal, // ends the loop; the job being handled is finished first, the next one stays queued
    onError: (error, job) => console.error(`job on ${job.topic.value} failed`, error),
  })
  // #endregion handle
}
