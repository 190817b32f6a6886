import { MqttTimeoutError } from '../errors/errors.js'
import { onTimeoutOrAbort } from '../helpers/timers.js'

interface Waiter {
  go(): void
  fail(error: unknown): void
}

/**
 * MQTT 5 flow control for what we send (§4.9): at most the broker's Receive Maximum (from CONNACK;
 * 65,535 when it names none, or under MQTT 3.1.1) QoS 1/2 publishes unacknowledged at once.
 * MQTT.js does not enforce it, and a broker answers the excess with 0x97 Quota Exceeded (mosquitto
 * does); here the excess waits its turn instead, within the call's timeout. A slot is freed when
 * the broker answers (PUBACK, PUBCOMP, or an error), not when the caller gives up.
 */
export class SendQuota {
  #limit = 65_535
  #inFlight = 0
  /** Made when a publish first waits for a slot. */
  #waiting: Set<Waiter> | undefined

  /** How many publishes wait for a slot. */
  get waiting(): number {
    return this.#waiting?.size ?? 0
  }

  /** Unacknowledged QoS 1/2 publishes. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** The broker's Receive Maximum, from each CONNACK. */
  setLimit(limit: number | undefined): void {
    this.#limit = limit !== undefined && limit >= 1 ? limit : 65_535
    this.#wake()
  }

  /** Takes a slot at once if one is free (the common case, no await). */
  tryAcquire(): (() => void) | undefined {
    if (this.#inFlight >= this.#limit || (this.#waiting?.size ?? 0) > 0) return undefined
    return this.#take()
  }

  /**
   * Waits for a slot.
   * @throws {@link MqttTimeoutError} after `timeout` ms; the signal's reason when it aborts.
   */
  acquire(what: string, timeout: number, signal: AbortSignal | undefined): Promise<() => void> {
    const free = this.tryAcquire()
    if (free) return Promise.resolve(free)
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise((resolve, reject) => {
      const settle = (error?: unknown) => {
        if (!this.#waiting?.delete(waiter)) return
        disarm()
        if (error === undefined) resolve(this.#take())
        else reject(error)
      }
      const waiter: Waiter = { go: () => settle(), fail: (error) => settle(error) }
      const message = `${what} timed out after ${timeout} ms waiting for the broker's receive maximum`
      const disarm = onTimeoutOrAbort(
        timeout,
        signal,
        () => settle(new MqttTimeoutError(message, timeout)),
        settle,
      )
      this.#waiting ??= new Set()
      this.#waiting.add(waiter)
    })
  }

  /** Rejects every waiting call (the client is closing or gave up). */
  failAll(error: unknown): void {
    for (const waiter of [...(this.#waiting ?? [])]) waiter.fail(error)
  }

  #take(): () => void {
    this.#inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#inFlight--
      this.#wake()
    }
  }

  #wake(): void {
    for (const waiter of this.#waiting ?? []) {
      if (this.#inFlight >= this.#limit) return
      waiter.go()
    }
  }
}
