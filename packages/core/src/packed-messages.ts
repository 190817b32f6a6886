import { Message, type PublishProperties } from './message.js'
import type { QoS } from './options.js'
import type { Topic } from './topic.js'

const blockSize = 64 * 1024
/** Per message: topic, properties and block in `#references`; offset, length and flags in `#numbers`. */
const fields = 3
const noNumbers = new Int32Array(0)

/** A block like `payload`: a Buffer under Node (and with MQTT.js's buffer polyfill), else a Uint8Array. */
function allocateLike(payload: Uint8Array, size: number): Uint8Array {
  const kind = payload.constructor as { allocUnsafeSlow?: (size: number) => Uint8Array }
  return typeof kind.allocUnsafeSlow === 'function' ? kind.allocUnsafeSlow(size) : new Uint8Array(size)
}

/**
 * Messages kept for a stream nobody has read yet, packed: payloads are copied into shared blocks and
 * each message is a few slots of two ring buffers, not a {@link Message} with its payload view. What
 * a Subscription nobody reads (the quick start's `await client.subscribe(filter)` beside
 * `client.messages()`) keeps until it is garbage-collected then costs the garbage collector
 * next to nothing. {@link take} makes them Messages again, in order.
 */
export class PackedMessages {
  /** Slots in the rings (a power of two). */
  #capacity = 0
  #first = 0
  #size = 0
  #references: unknown[] = []
  #numbers = noNumbers
  #block: Uint8Array | undefined
  #used = 0

  /** How many messages it holds. */
  get size(): number {
    return this.#size
  }

  append(message: Message): void {
    const { payload } = message
    const length = payload.byteLength
    let block = this.#block
    if (block === undefined || this.#used + length > block.byteLength) {
      block = this.#block = allocateLike(payload, Math.max(blockSize, length))
      this.#used = 0
    }
    block.set(payload, this.#used)
    if (this.#size === this.#capacity) this.#grow()
    const at = ((this.#first + this.#size) & (this.#capacity - 1)) * fields
    const references = this.#references
    references[at] = message.topic
    references[at + 1] = message.properties
    references[at + 2] = block
    const numbers = this.#numbers
    numbers[at] = this.#used
    numbers[at + 1] = length
    numbers[at + 2] =
      message.qos | (message.retain ? 4 : 0) | (message.dup ? 8 : 0) | ((message.messageId ?? 0) << 4)
    this.#used += length
    this.#size++
  }

  /**
   * Forgets the oldest message (a block is freed once none of its messages is held); returns the
   * size of its payload.
   */
  dropOldest(): number {
    if (this.#size === 0) return 0
    const at = this.#first * fields
    const references = this.#references
    references[at] = references[at + 1] = references[at + 2] = undefined
    this.#first = (this.#first + 1) & (this.#capacity - 1)
    this.#size--
    return this.#numbers[at + 1] as number
  }

  /** Every message held, oldest first, as Messages (payloads are views of the blocks); empties it. */
  take(): Message[] {
    const references = this.#references
    const numbers = this.#numbers
    const messages: Message[] = []
    for (let index = 0; index < this.#size; index++) {
      const at = ((this.#first + index) & (this.#capacity - 1)) * fields
      const offset = numbers[at] as number
      const flags = numbers[at + 2] as number
      messages.push(
        new Message({
          topic: references[at] as Topic,
          properties: references[at + 1] as PublishProperties,
          payload: (references[at + 2] as Uint8Array).subarray(offset, offset + (numbers[at + 1] as number)),
          qos: (flags & 3) as QoS,
          retain: (flags & 4) !== 0,
          dup: (flags & 8) !== 0,
          messageId: flags >>> 4,
        }),
      )
    }
    this.#capacity = this.#first = this.#size = this.#used = 0
    this.#references = []
    this.#numbers = noNumbers
    this.#block = undefined
    return messages
  }

  /** Doubles the rings, the oldest message first again. */
  #grow(): void {
    const capacity = Math.max(16, this.#capacity * 2)
    const references: unknown[] = new Array(capacity * fields)
    const numbers = new Int32Array(capacity * fields)
    for (let index = 0; index < this.#size; index++) {
      const from = ((this.#first + index) & (this.#capacity - 1)) * fields
      for (let field = 0; field < fields; field++) {
        references[index * fields + field] = this.#references[from + field]
        numbers[index * fields + field] = this.#numbers[from + field] as number
      }
    }
    this.#capacity = capacity
    this.#first = 0
    this.#references = references
    this.#numbers = numbers
  }
}
