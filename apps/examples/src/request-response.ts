/**
 * Beyond the seed: request/response (MQTT 5).
 *
 * A service answers with `client.respond(filter, handler)`; a caller asks with
 * `client.request(topic, payload, { timeout })`, which sets the Response Topic and Correlation
 * Data, so many requests can wait at once. A request nobody answers rejects with
 * `MqttTimeoutError`. The embedded aedes speaks MQTT 3.1.1, which has no Response Topic: there the
 * demo shows the error that says so.
 * @module
 */
import { Client, MqttTimeoutError, MqttValidationError } from '@await-mqtt/core'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

export async function main({ url, log, prefix = 'demo' }: ExampleContext): Promise<void> {
  await using service = await Client.connect(url)
  await using caller = await Client.connect(url)

  if (caller.protocolVersion !== 5) {
    const error = await caller.request(`${prefix}/services/square`, 3).catch((error: unknown) => error)
    if (!(error instanceof MqttValidationError)) throw error
    log(`MQTT 3.1.1 broker: request() rejects with MqttValidationError: ${error.message}`)
    log('note: run with MQTT_URL=mqtt://<mosquitto> to see request/response.')
    return
  }

  // The service: squares numbers, four at a time at most. Disposed (unsubscribed) at the end.
  await using squarer = await service.respond(
    `${prefix}/services/square`,
    (request) => Number(request.text()) ** 2,
    {
      concurrency: 4,
    },
  )

  // The caller: five requests at once; each answer is matched to its request.
  const numbers = [1, 2, 3, 4, 5]
  const answers = await Promise.all(
    numbers.map((n) => caller.request(`${prefix}/services/square`, n, { timeout: 5_000 })),
  )
  for (const [index, answer] of answers.entries()) log(`${numbers[index]}² = ${answer.text()}`)
  log(`the service answered ${squarer.answered} requests`)

  // Nobody answers on this topic: the request times out, and leaves nothing behind.
  try {
    await caller.request(`${prefix}/services/nobody`, 'hello?', { timeout: 300 })
  } catch (error) {
    if (!(error instanceof MqttTimeoutError)) throw error
    log(`no answer: ${error.message.replace(`${prefix}/`, '')}`)
  }
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
