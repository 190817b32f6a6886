import type { Duplex } from 'node:stream'
import { Slot } from '../helpers/slot.js'
import { nodeModule } from './builtins.js'
import { HeldWrites } from './held-writes.js'
import { Opening } from './opening.js'

/** A duplex handed to MQTT.js at once and joined to the real socket once it is open. */
export interface DeferredDuplex extends Duplex {
  /**
   * Aborted when the stream is destroyed while its socket is being opened (what opens it stops);
   * what opens the socket aborts it too when it gives up (timeout). Once a socket is attached the
   * stream lets go of it: nothing is left to stop.
   */
  readonly opening: Opening
  /**
   * Joins the open socket: pending writes go out, incoming data flows. `explainEarly` may replace
   * an error the socket fails with before it delivered any data (e.g. a TLS rejection).
   */
  attach(socket: Duplex, explainEarly?: (error: Error) => Error): void
}

type WriteCallback = (error: Error | null | undefined) => void

/**
 * Writes `pieces` to `socket` in order as one batch (corked, so they leave in one system call);
 * `callback` once the last is written. Returns what the last write returned (false: wait for `drain`).
 */
function writeBatch(socket: Duplex, pieces: readonly Uint8Array[], callback?: WriteCallback): boolean {
  if (pieces.length === 1) return socket.write(pieces[0], callback)
  socket.cork()
  const last = pieces.length - 1
  for (let index = 0; index < last; index++) socket.write(pieces[index])
  const accepted = socket.write(pieces[last], callback)
  socket.uncork()
  return accepted
}

/**
 * The longest read that can only be one acknowledgement (PUBACK, PUBREC... with an MQTT 5 reason
 * code): its answer has nothing to share a batch with, so it is not held for the end of the round.
 */
const loneAcknowledgementBytes = 5

/** What a stream holds until its socket delivered its first data (then it is dropped). */
interface BeforeData {
  /** Stops the opening of the socket; made when first asked for, dropped once attached. */
  abort?: Opening | undefined
  pendingWrite?: (() => void) | undefined
  pendingFinal?: (() => void) | undefined
  explainEarly?: ((error: Error) => Error) | undefined
}

// Flags of a stream's #flags (booleans packed into one field: see "Per-client objects" in ARCHITECTURE.md).
/** `_read` was called: the socket may flow. */
const reading = 1
/** Writes go straight to the socket (see `write`), until end or destroy. */
const straight = 2
/** A held write answered "wait" and no `drain` is on its way yet. */
const owesDrain = 4
/** Writes are corked until this round of reads is handled (see `#holdRepliesUntilReadsDone`). */
const holdingReplies = 8
/** The socket's `drain` is passed on (listened to once a write to it first had to wait). */
const watchingDrain = 16

type DeferredDuplexClass = new () => DeferredDuplex
let defined: DeferredDuplexClass | undefined

function define(): DeferredDuplexClass {
  const { Duplex } = nodeModule('node:stream')
  /** The stream each attached socket feeds (the socket's listeners are shared: `this` is the socket). */
  const joined = new Slot<Duplex, Joined>('await-mqtt stream')
  let onData: (this: Duplex, chunk: Buffer) => void = () => {}
  let onDrain: (this: Duplex) => void = () => {}
  let onError: (this: Duplex, error: Error) => void = () => {}
  function onEnd(this: Duplex): void {
    joined.get(this)?.push(null)
  }
  function onClose(this: Duplex): void {
    const stream = joined.get(this)
    if (stream === undefined) return
    // Let the reader take what is buffered (e.g. a DISCONNECT with its reason) before closing.
    stream.push(null)
    if (stream.readableEnded) stream.destroy()
    else stream.once('end', () => stream.destroy())
  }
  class Joined extends Duplex implements DeferredDuplex {
    static {
      // Inside the class body to reach its private fields; `this` is the socket that emitted.
      onData = function (this: Duplex, chunk: Buffer): void {
        const stream = joined.get(this)
        if (stream === undefined) return
        // Data came: what only the opening needed (the early error explanation) goes.
        stream.#beforeData = undefined
        if (chunk.length > loneAcknowledgementBytes) stream.#holdRepliesUntilReadsDone()
        if (!stream.push(chunk)) this.pause()
      }
      onDrain = function (this: Duplex): void {
        const stream = joined.get(this)
        if (stream === undefined) return
        stream.#flags &= ~owesDrain
        stream.emit('drain')
      }
      onError = function (this: Duplex, error: Error): void {
        const stream = joined.get(this)
        if (stream !== undefined && !stream.destroyed) stream.destroy(stream.#explain(error))
      }
    }

    // Few #private fields: Duplex has 7 fields of its own, and an object past 15 with a #private
    // one among the last can fall into dictionary mode (see "Per-client objects" in ARCHITECTURE.md).
    #socket: Duplex | undefined
    /** Until the socket delivered data: made when something is left for the socket to come. */
    #beforeData: BeforeData | undefined
    /** `reading`, `straight`, `owesDrain`, `holdingReplies`, `watchingDrain` (above). */
    #flags = 0
    /** Corks taken while writes go straight to the socket; the last uncork releases what is held. */
    #corks = 0
    /** Made by the first corked write: an idle client holds none. */
    #held: HeldWrites | undefined

    get opening(): Opening {
      this.#beforeData ??= {}
      if (this.#beforeData.abort === undefined) {
        this.#beforeData.abort = new Opening()
        if (this.destroyed)
          this.#beforeData.abort.abort(this.errored ?? new Error('the stream was destroyed'))
      }
      return this.#beforeData.abort
    }

    attach(socket: Duplex, explainEarly?: (error: Error) => Error): void {
      if (this.destroyed || this.#socket) {
        socket.destroy()
        return
      }
      this.#socket = socket
      // Nothing is left to stop: an idle client keeps none.
      const before = this.#beforeData
      this.#beforeData = explainEarly === undefined ? undefined : { explainEarly }
      // One set of listeners for every socket (found back through `joined`), not closures of its own.
      joined.set(socket, this)
      socket.on('data', onData)
      socket.on('end', onEnd)
      socket.on('error', onError)
      socket.on('close', onClose)
      if ((this.#flags & reading) === 0) socket.pause()
      // Held while opening (see write): they came before anything in this stream's own buffer.
      if (this.#corks === 0) this.#release()
      before?.pendingWrite?.()
      before?.pendingFinal?.()
    }

    /**
     * Corks until the event loop has handled this round of reads: the acknowledgements MQTT.js
     * writes for the packets of one read (PUBREL, PUBACK...) and the publishes they release leave
     * in one batch, without Nagle's delay.
     */
    #holdRepliesUntilReadsDone(): void {
      if ((this.#flags & holdingReplies) !== 0) return
      this.#flags |= holdingReplies
      this.cork()
      setImmediate(() => {
        this.#flags &= ~holdingReplies
        this.uncork()
      })
    }

    #explain(error: Error): Error {
      return this.#beforeData?.explainEarly?.(error) ?? error
    }

    /**
     * Once the socket is attached and nothing is left in this stream's own buffer, writes skip it:
     * corked ones are held and reach the socket in one batch on the last uncork (see
     * {@link HeldWrites}), others go straight in; `drain` comes from the socket. Backpressure
     * counts what is held, against the socket's highWaterMark.
     */
    override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      const socket = (this.#flags & straight) !== 0 ? this.#socket : this.#straightSocket()
      if (socket === undefined && !this.#opening())
        return super.write(chunk, encoding as BufferEncoding, callback as WriteCallback)
      if (typeof encoding === 'function') return this.write(chunk, undefined, encoding)
      if (socket !== undefined && this.#corks === 0) {
        const accepted = socket.write(chunk, encoding as BufferEncoding, callback as WriteCallback)
        if (!accepted) this.#watchDrain(socket)
        return accepted
      }
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
        return super.write(chunk, encoding as BufferEncoding, callback as WriteCallback)
      }
      this.#held ??= new HeldWrites()
      this.#held.hold(chunk, encoding as BufferEncoding | undefined, callback as WriteCallback | undefined)
      // Held bytes count against the socket's own highWaterMark. A budget of 4 × that (64 KiB) made
      // 4 KiB publishes 0.91-0.94x raw MQTT.js (the writer idled until a whole batch had flushed).
      const queued = socket === undefined ? 0 : socket.writableLength
      const limit = socket === undefined ? this.writableHighWaterMark : socket.writableHighWaterMark
      const roomLeft = this.#held.bytes + queued < limit
      if (!roomLeft) {
        this.#flags |= owesDrain
        if (socket !== undefined) this.#watchDrain(socket)
      }
      return roomLeft
    }

    /** Passes the socket's `drain` on from now on: most clients never write enough to wait for one. */
    #watchDrain(socket: Duplex): void {
      if ((this.#flags & watchingDrain) !== 0) return
      this.#flags |= watchingDrain
      socket.on('drain', onDrain)
    }

    /**
     * Whether the socket is still being opened and this stream's own buffer is empty: writes are
     * then held as corked ones are and reach the socket in one batch when it is attached (the
     * CONNECT, written at once, skips the Writable's buffering).
     */
    #opening(): boolean {
      return this.#socket === undefined && this.writableLength === 0 && !this.writableEnded && !this.destroyed
    }

    override cork(): void {
      if ((this.#flags & straight) === 0 && this.#straightSocket() === undefined && !this.#opening())
        super.cork()
      else this.#corks++
    }

    override uncork(): void {
      if (this.#corks === 0) {
        super.uncork()
        return
      }
      this.#corks--
      if (this.#corks === 0) this.#release()
    }

    override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
      this.#corks = 0
      this.#release()
      this.#flags &= ~straight
      return super.end(chunk, encoding as BufferEncoding, callback as () => void)
    }

    /**
     * Hands what is held to the socket in one batch. A writer told to wait gets its `drain` from
     * the socket, or from here when the socket took everything at once (then it emits none).
     */
    #release(): void {
      const socket = this.#socket
      if (socket === undefined) return
      const held = this.#held?.take()
      if (held === undefined) return
      const accepted = writeBatch(socket, held.pieces, held.callback)
      if (!accepted) this.#watchDrain(socket)
      else if ((this.#flags & owesDrain) !== 0) {
        this.#flags &= ~owesDrain
        process.nextTick(() => this.emit('drain'))
      }
    }

    /** The socket, once writes may skip this stream's buffer (then kept until end or destroy). */
    #straightSocket(): Duplex | undefined {
      const socket = this.#socket
      if (socket === undefined || this.writableLength > 0 || this.writableEnded || this.destroyed)
        return undefined
      this.#flags |= straight
      return socket
    }

    // Until then, writes pass into the socket's own buffer; only the socket's backpressure holds the
    // next one back. (Waiting for each write's callback cost a syscall per chunk: MQTT.js writes
    // a packet in several chunks, corked, so they must reach the socket as one batch.)
    override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
      const socket = this.#socket
      if (socket) this.#afterWrite(socket, socket.write(chunk, encoding), callback)
      else this.#pend('pendingWrite', () => this._write(chunk, encoding, callback))
    }

    override _writev(
      chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
      callback: (error?: Error | null) => void,
    ): void {
      const socket = this.#socket
      if (!socket) {
        this.#pend('pendingWrite', () => this._writev(chunks, callback))
        return
      }
      // Writable turns strings into Buffers before `_writev` (decodeStrings): chunks are bytes.
      this.#afterWrite(
        socket,
        writeBatch(
          socket,
          chunks.map(({ chunk }) => chunk),
        ),
        callback,
      )
    }

    /** Socket errors destroy this stream (see attach), which fails the write waiting for `drain`. */
    #afterWrite(socket: Duplex, accepted: boolean, callback: (error?: Error | null) => void): void {
      if (accepted) callback()
      else socket.once('drain', () => callback())
    }

    override _final(callback: (error?: Error | null) => void): void {
      const socket = this.#socket
      // Ended already: the broker closed first and the socket ended its side itself. Ending it
      // again would fail this stream with ERR_STREAM_ALREADY_FINISHED (an error per such close).
      if (socket?.writableEnded) callback()
      else if (socket) socket.end(callback)
      else this.#pend('pendingFinal', () => this._final(callback))
    }

    /** Keeps a write or the final until the socket is attached. */
    #pend(what: 'pendingWrite' | 'pendingFinal', call: () => void): void {
      this.#beforeData ??= {}
      this.#beforeData[what] = call
    }

    override _read(): void {
      this.#flags |= reading
      this.#socket?.resume()
    }

    override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
      this.#flags &= ~straight
      this.#corks = 0
      this.#held?.fail(error ?? new Error('the stream was destroyed before its writes went out'))
      this.#beforeData?.abort?.abort(error ?? new Error('the stream was destroyed'))
      this.#socket?.destroy()
      callback(error)
    }
  }
  return Joined
}

/** A new {@link DeferredDuplex}. */
export function createDeferredDuplex(): DeferredDuplex {
  defined ??= define()
  return new defined()
}
