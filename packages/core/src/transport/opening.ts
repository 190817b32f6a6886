/**
 * Stops the opening of one socket: aborted when its stream is destroyed first or when opening takes
 * too long. One step of the opening (TCP, proxy, TLS) listens at a time.
 *
 * Not an AbortController: that is an EventTarget with its own maps, made for every connection
 * attempt, and only this transport ever listens.
 */
export class Opening {
  #aborted = false
  #reason: unknown
  #listener: ((reason: unknown) => void) | undefined

  /** Whether {@link abort} was called. */
  get aborted(): boolean {
    return this.#aborted
  }

  /** What {@link abort} was given. */
  get reason(): unknown {
    return this.#reason
  }

  /** Stops the opening with `reason`; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    const listener = this.#listener
    this.#listener = undefined
    listener?.(reason)
  }

  /** Calls `listener` on {@link abort} (replacing the previous step's); undo with {@link stopListening}. */
  listen(listener: (reason: unknown) => void): void {
    this.#listener = listener
  }

  stopListening(): void {
    this.#listener = undefined
  }
}
