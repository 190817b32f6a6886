import type { Message } from '../incoming/message.js'
import type { ReadOptions } from '../incoming/message-stream.js'
import { nextValid, readValid, type Validated, type Validation } from '../incoming/validating-stream.js'
import type { CallOptions } from '../options/client-options.js'
import type { GrantedFilter, Subscription } from './subscription.js'

/** `client.subscribe(filter, { schema })`: a {@link Subscription} that yields validated payloads. */
export class ValidatingSubscription<T> implements Subscription<Validated<T>> {
  readonly #source: Subscription<Message>
  readonly #validation: Validation<T>

  constructor(source: Subscription<Message>, validation: Validation<T>) {
    this.#source = source
    this.#validation = validation
  }

  get filters(): readonly string[] {
    return this.#source.filters
  }

  get granted(): readonly GrantedFilter[] {
    return this.#source.granted
  }

  get dropped(): number {
    return this.#source.dropped
  }

  get queued(): number {
    return this.#source.queued
  }

  unsubscribe(options?: CallOptions): Promise<void> {
    return this.#source.unsubscribe(options)
  }

  read(options?: ReadOptions): Promise<Validated<T> | undefined> {
    return readValid(this.#source, this.#validation, options)
  }

  [Symbol.asyncIterator](): AsyncIterator<Validated<T>, undefined> {
    // The source's reader keeps the source (and so this subscription's buffering) alive while read.
    const reader = this.#source[Symbol.asyncIterator]() as AsyncIterator<Message, undefined>
    const validation = this.#validation
    return {
      next: () => nextValid(reader, validation),
      return: async () => {
        await reader.return?.()
        return { done: true, value: undefined }
      },
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#source[Symbol.asyncDispose]()
  }
}
