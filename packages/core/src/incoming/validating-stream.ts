import type { Message } from './message.js'
import type { MessageStream, ReadOptions } from './message-stream.js'
import { type InvalidPayloadPolicy, type PayloadSchema, validatePayload } from './validate-payload.js'

/** What a schema-validating stream yields: the validated payload, and the message it came in. */
export interface Validated<T> {
  /** The payload, parsed as JSON and validated (the schema's output: defaults, transforms applied). */
  readonly data: T
  /** The message as received (topic, properties, QoS...). */
  readonly message: Message
}

/** How a stream validates: the schema, the policy, and where a skipped payload is reported. */
export interface Validation<T> {
  readonly schema: PayloadSchema<T>
  readonly invalid: InvalidPayloadPolicy
  readonly onSkip: (error: unknown) => void
}

/**
 * Reads from `source` until a message whose payload passes the schema (policy `skip`) or the next
 * message at all (policy `error`: an invalid one rejects this read; the source is left open, so
 * the next read goes on after it).
 */
export async function nextValid<T>(
  source: Pick<AsyncIterator<Message, undefined>, 'next'>,
  validation: Validation<T>,
): Promise<IteratorResult<Validated<T>, undefined>> {
  for (;;) {
    const result = await source.next()
    if (result.done === true) return result
    const message = result.value
    try {
      const data = await validatePayload(message.topic.value, message.text(), validation.schema)
      return { done: false, value: Object.freeze({ data, message }) }
    } catch (error) {
      if (validation.invalid === 'error') throw error
      validation.onSkip(error)
    }
  }
}

/**
 * One validated read with a timeout or a signal (`read()` of a validating stream or subscription):
 * `undefined` once the source ended. Under `invalid: 'skip'` the timeout applies to each read of
 * the source, so skipped payloads restart it.
 */
export async function readValid<T>(
  source: { read(options?: ReadOptions): Promise<Message | undefined> },
  validation: Validation<T>,
  options: ReadOptions | undefined,
): Promise<Validated<T> | undefined> {
  const result = await nextValid(
    {
      next: async () => {
        const message = await source.read(options)
        return message === undefined ? { done: true, value: undefined } : { done: false, value: message }
      },
    },
    validation,
  )
  return result.done === true ? undefined : result.value
}

/** `client.messages(filter, { schema })`: a {@link MessageStream} that yields validated payloads. */
export class ValidatingStream<T> implements MessageStream<Validated<T>> {
  readonly #source: MessageStream
  readonly #validation: Validation<T>

  constructor(source: MessageStream, validation: Validation<T>) {
    this.#source = source
    this.#validation = validation
  }

  get filter(): string | undefined {
    return this.#source.filter
  }

  get dropped(): number {
    return this.#source.dropped
  }

  get queued(): number {
    return this.#source.queued
  }

  close(): void {
    this.#source.close()
  }

  next(): Promise<IteratorResult<Validated<T>, undefined>> {
    return nextValid(this.#source, this.#validation)
  }

  read(options?: ReadOptions): Promise<Validated<T> | undefined> {
    return readValid(this.#source, this.#validation, options)
  }

  async return(): Promise<IteratorResult<Validated<T>, undefined>> {
    this.close()
    return { done: true, value: undefined }
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close()
  }
}
