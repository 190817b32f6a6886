import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describeValue } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'
import { MqttPayloadValidationError, type PayloadIssue } from '../errors/payload-validation-error.js'

/**
 * Any validator implementing Standard Schema v1 (zod ≥ 3.24, valibot ≥ 1.0, arktype ≥ 2.0, ...);
 * the library depends on none of them.
 */
export type PayloadSchema<Output = unknown> = StandardSchemaV1<unknown, Output>

/** What a schema turns a payload into. */
export type SchemaOutput<S extends StandardSchemaV1> = StandardSchemaV1.InferOutput<S>

/**
 * Parses the `text` of a payload received on `topic` as JSON and validates it with `schema` (sync
 * or async validators). Takes text, not a `Message`, so that message.ts can use it.
 * @throws {@link MqttPayloadValidationError} naming the topic and the issues, also when the payload is not JSON.
 */
export async function validatePayload<T>(topic: string, text: string, schema: PayloadSchema<T>): Promise<T> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new MqttPayloadValidationError(topic, [{ message: 'not JSON', path: [] }], { cause: error })
  }
  const result = await schema['~standard'].validate(value)
  if (result.issues === undefined) return result.value
  throw new MqttPayloadValidationError(topic, result.issues.map(toIssue))
}

function toIssue(issue: StandardSchemaV1.Issue): PayloadIssue {
  const path = (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment))
  return Object.freeze({ message: issue.message, path: Object.freeze(path) })
}

/**
 * What to do with a message whose payload fails the schema: `error` — that read rejects with
 * {@link MqttPayloadValidationError} and the stream goes on (read again for the next message);
 * `skip` — it is left out (and logged at `warn` with the topic and issues).
 */
export type InvalidPayloadPolicy = 'error' | 'skip'

/**
 * Options that make `client.messages()` and `client.subscribe()` validate each payload: the stream
 * yield `{ data, message }` items instead of messages.
 * @example
 * const Reading = z.object({ celsius: z.number() })
 * await using readings = client.messages('sensors/+/temperature', { schema: Reading })
 * for await (const { data, message } of readings) console.log(message.topic.value, data.celsius)
 */
export interface SchemaOptions<S extends PayloadSchema = PayloadSchema> {
  /** A Standard Schema v1 validator of the JSON payload (zod, valibot, arktype...). */
  schema: S
  /** @default 'error' */
  invalid?: InvalidPayloadPolicy
}

/**
 * @returns the policy for invalid payloads, when `options.schema` is given.
 * @throws {@link MqttValidationError} unless `schema` implements Standard Schema v1 and `invalid` is known.
 */
export function checkSchemaOptions(options: {
  schema?: unknown
  invalid?: unknown
}): InvalidPayloadPolicy | undefined {
  const { schema, invalid = 'error' } = options
  if (schema === undefined) return undefined
  if (!isPayloadSchema(schema)) {
    throw new MqttValidationError(
      'schema must implement Standard Schema v1 (zod, valibot, arktype...): it has no ~standard.validate',
      'schema',
    )
  }
  if (invalid !== 'error' && invalid !== 'skip') {
    throw new MqttValidationError(
      `invalid must be 'error' or 'skip', not ${describeValue(invalid)}`,
      'invalid',
    )
  }
  return invalid
}

/** Whether `schema` implements Standard Schema v1. */
export function isPayloadSchema(schema: unknown): schema is PayloadSchema {
  if ((typeof schema !== 'object' && typeof schema !== 'function') || schema === null) return false
  const props = (schema as Partial<StandardSchemaV1>)['~standard']
  return (
    typeof props === 'object' && props !== null && props.version === 1 && typeof props.validate === 'function'
  )
}
