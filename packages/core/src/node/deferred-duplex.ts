import type { Duplex } from 'node:stream'
import { nodeModule } from './builtins.js'

/** A duplex handed to MQTT.js at once and joined to the real socket once it is open. */
export interface DeferredDuplex extends Duplex {
  /** Aborted when the stream is destroyed before (or after) a socket was attached. */
  readonly signal: AbortSignal
  /**
   * Joins the open socket: pending writes go out, incoming data flows. `explainEarly` may replace
   * an error the socket fails with before it delivered any data (e.g. a TLS rejection).
   */
  attach(socket: Duplex, explainEarly?: (error: Error) => Error): void
}

type WriteCallback = (error: Error | null | undefined) => void
type DeferredDuplexClass = new () => DeferredDuplex
let defined: DeferredDuplexClass | undefined

function define(): DeferredDuplexClass {
  const { Duplex } = nodeModule('node:stream')
  return class extends Duplex implements DeferredDuplex {
    readonly #abort = new AbortController()
    #socket: Duplex | undefined
    #pendingWrite: (() => void) | undefined
    #pendingFinal: (() => void) | undefined
    #reading = false
    #received = false
    #explainEarly: ((error: Error) => Error) | undefined
    /** Set once writes go straight to the socket (see {@link write}). */
    #straight: Duplex | undefined
    /** Corks passed on to the socket, which their uncorks must reach too. */
    #socketCorks = 0

    get signal(): AbortSignal {
      return this.#abort.signal
    }

    attach(socket: Duplex, explainEarly?: (error: Error) => Error): void {
      if (this.destroyed || this.#socket) {
        socket.destroy()
        return
      }
      this.#socket = socket
      this.#explainEarly = explainEarly
      socket.on('data', (chunk: Buffer) => {
        this.#received = true
        if (!this.push(chunk)) socket.pause()
      })
      socket.on('drain', () => this.emit('drain'))
      socket.once('end', () => this.push(null))
      socket.once('error', (error) => this.destroy(this.#explain(error)))
      socket.once('close', () => {
        // Let the reader take what is buffered (e.g. a DISCONNECT with its reason) before closing.
        this.push(null)
        if (this.readableEnded) this.destroy()
        else this.once('end', () => this.destroy())
      })
      if (!this.#reading) socket.pause()
      const write = this.#pendingWrite
      const final = this.#pendingFinal
      this.#pendingWrite = undefined
      this.#pendingFinal = undefined
      write?.()
      final?.()
    }

    #explain(error: Error): Error {
      return !this.#received && this.#explainEarly ? this.#explainEarly(error) : error
    }

    /**
     * Once the socket is attached and nothing is left in this stream's own buffer, a write goes
     * straight to the socket (and `drain` comes from it): one stream's machinery per chunk instead
     * of two, which is most of what a QoS 0 publish costs beyond encoding it.
     */
    override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      const socket = this.#straight ?? this.#straightSocket()
      if (socket === undefined)
        return super.write(chunk, encoding as BufferEncoding, callback as WriteCallback)
      if (typeof encoding === 'function') return socket.write(chunk, encoding as WriteCallback)
      return socket.write(chunk, encoding as BufferEncoding, callback as WriteCallback)
    }

    override cork(): void {
      const socket = this.#straight ?? this.#straightSocket()
      if (socket === undefined) super.cork()
      else {
        this.#socketCorks++
        socket.cork()
      }
    }

    override uncork(): void {
      if (this.#socketCorks === 0) super.uncork()
      else {
        this.#socketCorks--
        this.#socket?.uncork()
      }
    }

    override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
      this.#straight = undefined
      return super.end(chunk, encoding as BufferEncoding, callback as () => void)
    }

    /** The socket, once writes may skip this stream's buffer (then kept until end or destroy). */
    #straightSocket(): Duplex | undefined {
      const socket = this.#socket
      if (socket === undefined || this.writableLength > 0 || this.writableEnded || this.destroyed)
        return undefined
      this.#straight = socket
      return socket
    }

    // Until then, writes pass into the socket's own buffer; only the socket's backpressure holds the
    // next one back. (Waiting for each write's callback cost a syscall per chunk: MQTT.js writes
    // a packet in several chunks, corked, so they must reach the socket as one batch.)
    override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
      const socket = this.#socket
      if (socket) this.#afterWrite(socket, socket.write(chunk, encoding), callback)
      else this.#pendingWrite = () => this._write(chunk, encoding, callback)
    }

    override _writev(
      chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
      callback: (error?: Error | null) => void,
    ): void {
      const socket = this.#socket
      if (!socket) {
        this.#pendingWrite = () => this._writev(chunks, callback)
        return
      }
      socket.cork()
      let accepted = true
      for (const { chunk, encoding } of chunks) accepted = socket.write(chunk, encoding)
      socket.uncork()
      this.#afterWrite(socket, accepted, callback)
    }

    /** Socket errors destroy this stream (see attach), which fails the write waiting for `drain`. */
    #afterWrite(socket: Duplex, accepted: boolean, callback: (error?: Error | null) => void): void {
      if (accepted) callback()
      else socket.once('drain', () => callback())
    }

    override _final(callback: (error?: Error | null) => void): void {
      const socket = this.#socket
      if (socket) socket.end(callback)
      else this.#pendingFinal = () => this._final(callback)
    }

    override _read(): void {
      this.#reading = true
      this.#socket?.resume()
    }

    override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
      this.#straight = undefined
      this.#abort.abort(error ?? undefined)
      this.#socket?.destroy()
      callback(error)
    }
  }
}

/** A new {@link DeferredDuplex}. */
export function createDeferredDuplex(): DeferredDuplex {
  defined ??= define()
  return new defined()
}
