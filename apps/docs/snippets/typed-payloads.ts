import { type Client, type Message, MqttPayloadValidationError } from '@await-mqtt/core'
import * as v from 'valibot'
import { z } from 'zod'

// #region json
const Reading = z.object({ celsius: z.number(), room: z.string().default('hall') })

export async function handle(message: Message) {
  const reading = await message.json(Reading) // { celsius: number; room: string }
  console.log(reading.room, reading.celsius)
}
// #endregion json

export async function stream(client: Client) {
  // #region stream
  await using readings = client.messages('sensors/+/temperature', { schema: Reading })
  await client.subscribe('sensors/+/temperature', { qos: 1 })
  for (;;) {
    try {
      for await (const { data, message } of readings) console.log(message.topic.levels[1], data.celsius)
      break // the stream ended (the client closed)
    } catch (error) {
      // One payload did not pass: say which and why, then read on.
      if (!(error instanceof MqttPayloadValidationError)) throw error
      console.warn(`${error.topic}: ${error.issues.map((issue) => issue.message).join(', ')}`)
    }
  }
  // #endregion stream
}

export async function skip(client: Client) {
  // #region skip
  const Job = v.object({ id: v.string(), priority: v.picklist(['low', 'high']) })
  await using jobs = await client.subscribe('jobs/#', { qos: 1, schema: Job, invalid: 'skip' })
  for await (const { data } of jobs) console.log(data.id, data.priority) // invalid ones never show up
  // #endregion skip
}
