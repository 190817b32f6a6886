type WriteCallback = (error: Error | null | undefined) => void

/** Chunks up to this size are copied into the batch; larger ones are passed on as they are. */
const copyLimit = 1024
/**
 * Batch buffers start small (a client that writes one SUBSCRIBE, or a few acknowledgements, takes
 * 256 B of Node's buffer pool, not 2 KiB: thousands of idle clients churned megabytes of pools
 * through malloc on connecting) and grow to what the last batch copied.
 */
const smallestBatch = 256
const largestBatch = 64 * 1024

/**
 * Writes held while the stream is corked, handed to the socket in as few pieces as possible on
 * uncork. MQTT.js writes every packet as four or more small chunks (header, length, topic,
 * payload...): those are copied into one batch buffer as they come, so a batch of packets reaches
 * the socket as one write instead of one per chunk. Large chunks (payloads) are not copied.
 */
export class HeldWrites {
  // Both lists are made when the first piece or callback comes (an idle client keeps neither).
  #pieces: Uint8Array[] | undefined
  #batch: Buffer | undefined
  /** Where the part of `#batch` not yet in `#pieces` starts, and where the next byte goes. */
  #from = 0
  #to = 0
  #callbacks: WriteCallback[] | undefined
  #bytes = 0
  /** Bytes copied into batch buffers since the last take, and the size of the next batch buffer. */
  #copied = 0
  #batchSize = smallestBatch
  #lastString = ''
  #lastEncoding: BufferEncoding = 'utf8'
  /** `#lastString` encoded, once it came twice in a row. */
  #lastBytes: Uint8Array | undefined

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes
  }

  hold(
    chunk: Uint8Array | string,
    encoding: BufferEncoding | undefined,
    callback: WriteCallback | undefined,
  ): void {
    if (typeof chunk !== 'string') this.#holdBytes(chunk)
    else if (chunk === this.#lastString && (encoding ?? 'utf8') === this.#lastEncoding) {
      let bytes = this.#lastBytes
      if (bytes === undefined) {
        // The same string twice in a row (mostly a topic published to again): from now on it is
        // encoded once. A copy of its own: `Buffer.from` gives a slice of Node's 8 KiB buffer
        // pool, which it would keep alive for as long as this client lives.
        bytes = new Uint8Array(Buffer.from(chunk, encoding))
        this.#lastBytes = bytes
      }
      this.#holdBytes(bytes)
    } else {
      const bytes = Buffer.from(chunk, encoding)
      if (bytes.byteLength <= copyLimit) {
        // Not copied yet: an idle client that wrote one SUBSCRIBE keeps no copy of its topic.
        this.#lastString = chunk
        this.#lastEncoding = encoding ?? 'utf8'
        this.#lastBytes = undefined
      }
      this.#holdBytes(bytes)
    }
    if (callback) {
      this.#callbacks ??= []
      this.#callbacks.push(callback)
    }
  }

  #holdBytes(chunk: Uint8Array): void {
    const length = chunk.byteLength
    this.#bytes += length
    if (length > copyLimit) {
      this.#close()
      this.#pieces ??= []
      this.#pieces.push(chunk)
      return
    }
    const batch = this.#room(length)
    const at = this.#to
    if (length <= 16) for (let index = 0; index < length; index++) batch[at + index] = chunk[index] as number
    else batch.set(chunk, at)
    this.#to = at + length
    this.#copied += length
  }

  /** The batch buffer, with at least `needed` bytes free after `#to`. */
  #room(needed: number): Buffer {
    const batch = this.#batch
    if (batch !== undefined && batch.length - this.#to >= needed) return batch
    this.#close()
    const fresh = Buffer.allocUnsafe(Math.max(this.#batchSize, needed))
    this.#batch = fresh
    this.#from = 0
    this.#to = 0
    return fresh
  }

  /** Moves what the batch buffer holds so far into the pieces. */
  #close(): void {
    if (this.#batch !== undefined && this.#to > this.#from) {
      this.#pieces ??= []
      this.#pieces.push(this.#batch.subarray(this.#from, this.#to))
      this.#from = this.#to
    }
  }

  /** What is held, in order, and one callback for the writes that had one; then empty. */
  take(): { pieces: Uint8Array[]; callback: WriteCallback | undefined } | undefined {
    this.#close()
    const pieces = this.#pieces
    if (pieces === undefined || pieces.length === 0) return undefined
    const callbacks = this.#callbacks
    this.#batchSize = Math.min(largestBatch, Math.max(smallestBatch, this.#copied))
    this.#reset()
    const callback =
      callbacks === undefined || callbacks.length === 0
        ? undefined
        : (error: Error | null | undefined) => {
            for (const each of callbacks) each(error)
          }
    return { pieces, callback }
  }

  /** Drops what is held; the writes' callbacks get `error`. */
  fail(error: Error): void {
    const callbacks = this.#callbacks
    this.#reset()
    for (const callback of callbacks ?? []) callback(error)
  }

  #reset(): void {
    this.#copied = 0
    this.#pieces = undefined
    this.#callbacks = undefined
    this.#bytes = 0
    // The batch buffer now belongs to the socket until written: the next batch takes a fresh one.
    this.#batch = undefined
    this.#from = 0
    this.#to = 0
  }
}
