import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  Client,
  type Logger,
  MqttPayloadValidationError,
  MqttValidationError,
  type PayloadSchema,
} from '../../src/index.js'

const Reading = z.object({ celsius: z.number() })

/** A Standard Schema v1 validator that answers asynchronously (as a database lookup would). */
const knownRoom: PayloadSchema<{ room: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: async (value) => {
      await new Promise((resolve) => setImmediate(resolve))
      const room = (value as { room?: unknown } | null)?.room
      return room === 'kitchen' || room === 'hall'
        ? { value: { room } }
        : { issues: [{ message: 'unknown room', path: [{ key: 'room' }] }] }
    },
  },
}

describe('typed payloads on a real broker (aedes)', () => {
  it("messages(filter, { schema }): an invalid payload rejects that read, and the stream goes on ('error')", async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('typed')
    await using readings = client.messages(`${topic}/+`, { schema: Reading })
    await client.subscribe(`${topic}/+`, { qos: 1 })
    await client.publish(`${topic}/kitchen`, '{"celsius":21.5}', { qos: 1 })
    await client.publish(`${topic}/hall`, '{"celsius":"warm"}', { qos: 1 })
    await client.publish(`${topic}/cellar`, 'garbage', { qos: 1 })
    await client.publish(`${topic}/attic`, '{"celsius":30}', { qos: 1 })

    const first = await readings.next()
    expect(first.done).toBe(false)
    expect(first.value?.data).toEqual({ celsius: 21.5 })
    expect(first.value?.message.topic.value).toBe(`${topic}/kitchen`)

    const invalid = await readings.next().catch((error: unknown) => error)
    expect(invalid).toBeInstanceOf(MqttPayloadValidationError)
    expect(invalid).toBeInstanceOf(MqttValidationError)
    expect((invalid as MqttPayloadValidationError).topic).toBe(`${topic}/hall`)
    expect((invalid as Error).message).toContain(`the payload received on ${topic}/hall is invalid: celsius:`)

    await expect(readings.next()).rejects.toThrow(
      `the payload received on ${topic}/cellar is invalid: not JSON`,
    )

    // The stream went on: a for-await loop picks up after the invalid ones.
    for await (const { data, message } of readings) {
      expect(message.topic.value).toBe(`${topic}/attic`)
      expect(data.celsius).toBe(30)
      break
    }
  })

  it("subscribe(filter, { schema: valibot, invalid: 'skip' }) leaves invalid payloads out and logs their topic", async () => {
    await using broker = await startAedes()
    const warnings: unknown[] = []
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (details: unknown) => warnings.push(details),
      error() {},
    }
    await using client = await Client.connect(broker.url, { logger })
    const topic = uniqueTopic('typed-skip')
    await using counts = await client.subscribe(topic, {
      qos: 1,
      schema: v.pipe(v.number(), v.integer()),
      invalid: 'skip',
    })
    for (const payload of ['1', '1.5', '"two"', '3']) await client.publish(topic, payload, { qos: 1 })
    const seen: number[] = []
    for await (const { data } of counts) {
      seen.push(data)
      if (seen.length === 2) break
    }
    expect(seen).toEqual([1, 3])
    expect(warnings).toEqual([
      expect.objectContaining({ topic, error: expect.stringContaining(`the payload received on ${topic}`) }),
      expect.objectContaining({ topic }),
    ])
  })

  it('validates with an async validator, in order', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('typed-async')
    await using rooms = client.messages(topic, { schema: knownRoom, invalid: 'skip' })
    await client.subscribe(topic, { qos: 1 })
    for (const room of ['kitchen', 'garage', 'hall'])
      await client.publish(topic, JSON.stringify({ room }), { qos: 1 })
    const seen: string[] = []
    for await (const { data } of rooms) {
      seen.push(data.room)
      if (seen.length === 2) break
    }
    expect(seen).toEqual(['kitchen', 'hall'])
  })

  it('refuses a schema that is not a Standard Schema, and an unknown policy, before subscribing', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const subscribed: string[] = []
    broker.broker.on('subscribe', (subscriptions) => subscribed.push(...subscriptions.map((s) => s.topic)))
    expect(() => client.messages('a', { schema: {} as PayloadSchema })).toThrow(MqttValidationError)
    expect(() => client.messages('a', { schema: Reading, invalid: 'ignore' as 'skip' })).toThrow(
      "invalid must be 'error' or 'skip', not \"ignore\"",
    )
    await expect(
      client.subscribe('a', { schema: { '~standard': {} } as PayloadSchema }),
    ).rejects.toMatchObject({
      name: 'MqttValidationError',
      field: 'schema',
    })
    await client.subscribe('ok', { qos: 1 })
    expect(subscribed).toEqual(['ok'])
    expect(client.connected).toBe(true)
  })
})
