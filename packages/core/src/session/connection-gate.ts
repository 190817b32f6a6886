import { MqttError, MqttTimeoutError } from '../errors/errors.js'
import { onTimeoutOrAbort } from '../helpers/timers.js'

interface Waiter {
  resolve(): void
  reject(error: unknown): void
  counted: boolean
}

/**
 * Where calls wait while a reconnecting session has no connection: each waits at most its own
 * timeout (or until its signal aborts), and at most `maxQueuedPublishes` publishes wait at once.
 * The session opens the gate once it is connected again (calls go on in the order they came) or
 * fails it (gave up, closed).
 */
export class ConnectionGate {
  readonly #maxCounted: number
  /** Made when a call first waits: most clients never reconnect. */
  #waiters: Set<Waiter> | undefined
  #counted = 0

  constructor(maxQueuedPublishes: number) {
    this.#maxCounted = maxQueuedPublishes
  }

  /** How many calls are waiting. */
  get waiting(): number {
    return this.#waiters?.size ?? 0
  }

  /**
   * Resolves once the gate opens. `counted` calls (publishes) beyond the limit reject at once with
   * `QUEUE_OVERFLOW`.
   * @throws {@link MqttTimeoutError} after `timeout` ms; the signal's reason when it aborts.
   */
  wait(what: string, timeout: number, signal: AbortSignal | undefined, counted: boolean): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (counted && this.#counted >= this.#maxCounted) {
      return Promise.reject(
        new MqttError(
          `cannot ${what}: ${this.#maxCounted} publishes are already waiting for the connection (reconnect.maxQueuedPublishes)`,
          'QUEUE_OVERFLOW',
        ),
      )
    }
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        if (!this.#waiters?.delete(waiter)) return
        if (counted) this.#counted--
        disarm()
        if (error === undefined) resolve()
        else reject(error)
      }
      const waiter: Waiter = { resolve: () => settle(), reject: (error) => settle(error), counted }
      const message = `${what} timed out after ${timeout} ms while waiting for the connection to come back`
      const disarm = onTimeoutOrAbort(
        timeout,
        signal,
        () => settle(new MqttTimeoutError(message, timeout)),
        settle,
      )
      this.#waiters ??= new Set()
      this.#waiters.add(waiter)
      if (counted) this.#counted++
    })
  }

  /** Lets every waiting call go on, in the order they came. */
  open(): void {
    for (const waiter of [...(this.#waiters ?? [])]) waiter.resolve()
  }

  /** Rejects every waiting call with `error`. */
  fail(error: unknown): void {
    for (const waiter of [...(this.#waiters ?? [])]) waiter.reject(error)
  }
}
