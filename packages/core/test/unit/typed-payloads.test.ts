import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MqttValidationError } from '../../src/errors/errors.js'
import { MqttPayloadValidationError } from '../../src/errors/payload-validation-error.js'
import { Message } from '../../src/incoming/message.js'
import type { PayloadSchema } from '../../src/incoming/validate-payload.js'

const message = (topic: string, payload: string) =>
  new Message({ topic, payload: new TextEncoder().encode(payload), qos: 0 })

const ZodReading = z.object({ celsius: z.number(), room: z.string().default('hall') })
const ValibotReading = v.object({ celsius: v.number() })

/** A hand-written Standard Schema v1 validator that answers asynchronously. */
const asyncPositive: PayloadSchema<number> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: async (value) => {
      await new Promise((resolve) => setImmediate(resolve))
      return typeof value === 'number' && value > 0
        ? { value }
        : { issues: [{ message: 'must be a positive number' }] }
    },
  },
}

describe('message.json(schema)', () => {
  it('resolves to the schema output with zod (defaults applied), valibot and an async validator', async () => {
    await expect(message('sensors/1', '{"celsius":21.5}').json(ZodReading)).resolves.toEqual({
      celsius: 21.5,
      room: 'hall',
    })
    await expect(message('sensors/1', '{"celsius":3}').json(ValibotReading)).resolves.toEqual({ celsius: 3 })
    await expect(message('n', '7').json(asyncPositive)).resolves.toBe(7)
  })

  it.each([
    ['zod', ZodReading],
    ['valibot', ValibotReading],
  ] as const)(
    'rejects an invalid payload (%s) with an MqttValidationError naming the topic and the issue',
    async (_, schema) => {
      const error = await message('sensors/kitchen', '{"celsius":"warm"}')
        .json(schema)
        .catch((error: unknown) => error)
      expect(error).toBeInstanceOf(MqttPayloadValidationError)
      expect(error).toBeInstanceOf(MqttValidationError)
      const invalid = error as MqttPayloadValidationError
      expect(invalid.code).toBe('INVALID_ARGUMENT')
      expect(invalid.field).toBe('payload')
      expect(invalid.topic).toBe('sensors/kitchen')
      expect(invalid.issues).toHaveLength(1)
      expect(invalid.issues[0]?.path).toEqual(['celsius'])
      expect(invalid.message).toMatch(/^the payload received on sensors\/kitchen is invalid: celsius: .+/)
    },
  )

  it('rejects for an async validator, and for a payload that is not JSON', async () => {
    await expect(message('n', '-1').json(asyncPositive)).rejects.toThrow(
      'the payload received on n is invalid: must be a positive number',
    )
    const error = await message('n', 'not json')
      .json(ZodReading)
      .catch((error: unknown) => error)
    expect(error).toBeInstanceOf(MqttPayloadValidationError)
    expect((error as Error).message).toBe('the payload received on n is invalid: not JSON')
    expect((error as Error).cause).toBeInstanceOf(SyntaxError)
  })

  it('names at most three issues', async () => {
    const Many = z.object({ a: z.number(), b: z.number(), c: z.number(), d: z.number(), e: z.number() })
    const error = (await message('t', '{}')
      .json(Many)
      .catch((error: unknown) => error)) as MqttPayloadValidationError
    expect(error.issues).toHaveLength(5)
    expect(error.message).toMatch(
      /^the payload received on t is invalid: a: .+; b: .+; c: .+ \(and 2 more\)$/,
    )
  })

  it('refuses what is not a Standard Schema', async () => {
    const error = await message('t', '1')
      .json({ parse: () => 1 } as unknown as PayloadSchema)
      .catch((error: unknown) => error)
    expect(error).toBeInstanceOf(MqttValidationError)
    expect((error as MqttValidationError).field).toBe('schema')
  })

  it('without a schema still parses unchecked, and throws SyntaxError synchronously', () => {
    expect(message('t', '{"a":1}').json<{ a: number }>().a).toBe(1)
    expect(() => message('t', 'x').json()).toThrow(SyntaxError)
  })
})
