import { MqttTimeoutError } from '../errors/errors.js'
import { maxTimer } from '../helpers/timers.js'
import { toCallError } from '../mqttjs/translate-error.js'
import { type Deadline, processDeadlines } from '../session/call-deadlines.js'

/** Completes a call: an error, or the value it resolves to. */
export type Done<T> = (error: unknown, value?: T) => void

interface PendingCall extends Deadline {
  fail(error: unknown): void
  /** Set while the call waits for a free slot. */
  start: (() => void) | undefined
  /** Its neighbours in the list of pending calls, oldest first. */
  previous: PendingCall | undefined
  next: PendingCall | undefined
}

/**
 * Every publish/subscribe/unsubscribe in flight: applies `maxConcurrentOutgoingCalls`, the per-call
 * timeout and AbortSignal, and lets the session fail them all at once (connection lost, close).
 */
export class OutgoingCalls {
  readonly #limit: number
  #active = 0
  /** Calls waiting for a slot (`maxConcurrentOutgoingCalls`): made when one first waits. */
  #waiting: PendingCall[] | undefined
  /**
   * The calls not settled yet, oldest first: a list through the calls themselves, so an idle
   * client keeps no Set (150 B) once its calls are done.
   */
  #first: PendingCall | undefined
  #last: PendingCall | undefined
  #pending = 0
  /** Who waits for no call to be pending (`close()`): made when one does. */
  #idle: Array<() => void> | undefined
  /** One timer for the calls of every client in the process (see {@link processDeadlines}). */
  readonly #deadlines = processDeadlines

  constructor(limit = Number.POSITIVE_INFINITY) {
    this.#limit = limit
  }

  /** Calls handed to MQTT.js and not answered yet (never more than the limit). */
  get active(): number {
    return this.#active
  }

  /** Calls not settled yet, waiting for a slot or in flight. */
  get pending(): number {
    return this.#pending
  }

  /** Whether a call run now starts at once (a slot is free and none waits). */
  get canStart(): boolean {
    return this.#active < this.#limit && !this.#waiting?.length
  }

  /**
   * Runs `send` once a slot is free; settles with what it reports, or with a timeout, or the
   * signal's reason. The slot is held until MQTT.js answers, even when the caller gave up.
   * Errors `send` reports go through {@link toCallError}; the signal's reason is passed on as it is.
   * @param answersAtOnce whether `send` may report before it returns (a QoS 0 publish); calls that
   * never do (they wait for the broker's answer) skip that attempt.
   */
  run<T>(
    what: string,
    timeout: number,
    signal: AbortSignal | undefined,
    send: (done: Done<T>) => void,
    answersAtOnce = true,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (answersAtOnce && signal === undefined && this.canStart) {
      return this.#runAtOnce(what, timeout, send)
    }
    return this.#track(what, timeout, send, signal)
  }

  /**
   * A call with a free slot and no signal is sent at once. Answered before `send` returns (a QoS 0
   * publish the socket took), it costs no timer and no bookkeeping; otherwise it is tracked from
   * there on like any other call.
   */
  #runAtOnce<T>(what: string, timeout: number, send: (done: Done<T>) => void): Promise<T> {
    let answered = false
    let answer: { error: unknown; value: T | undefined } | undefined
    let later: Done<T> | undefined
    this.#active++
    try {
      send((error, value) => {
        if (answered) return
        answered = true
        if (later) later(error, value)
        else answer = { error, value }
      })
    } catch (error) {
      if (!answered) {
        answered = true
        answer = { error, value: undefined }
      }
    }
    if (answer !== undefined) {
      this.#release()
      const { error, value } = answer
      if (error === undefined || error === null) return Promise.resolve(value as T)
      return Promise.reject(toCallError(what, error))
    }
    // Tracked from here on: the tracking takes the slot again (still free: nothing ran meanwhile).
    this.#active = Math.max(0, this.#active - 1)
    return this.#track(what, timeout, (done: Done<T>) => {
      if (answer === undefined) later = done
      else done(answer.error, answer.value)
    })
  }

  #track<T>(what: string, timeout: number, send: (done: Done<T>) => void, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false
      const finish = (error: unknown, value?: T) => {
        if (settled) return
        settled = true
        this.#deadlines.unwatch(call)
        signal?.removeEventListener('abort', onAbort)
        if (call.start && this.#waiting) this.#waiting.splice(this.#waiting.indexOf(call), 1)
        this.#unlink(call)
        if (this.#pending === 0) this.#notifyIdle()
        if (error === undefined) resolve(value as T)
        else reject(error)
      }
      const onAbort = () => finish(signal?.reason)
      signal?.addEventListener('abort', onAbort, { once: true })
      const call: PendingCall = {
        fail: (error) => finish(error),
        start: undefined,
        at: timeout <= maxTimer ? Date.now() + timeout : Number.POSITIVE_INFINITY,
        expire: () => finish(new MqttTimeoutError(`${what} timed out after ${timeout} ms`, timeout)),
        previous: this.#last,
        next: undefined,
      }
      if (this.#last === undefined) this.#first = call
      else this.#last.next = call
      this.#last = call
      this.#pending++
      const start = () => {
        call.start = undefined
        this.#active++
        let released = false
        const done: Done<T> = (error, value) => {
          if (!released) {
            released = true
            this.#release()
          }
          finish(error === undefined || error === null ? undefined : toCallError(what, error), value)
        }
        try {
          send(done)
        } catch (error) {
          done(error)
        }
      }
      if (this.#active < this.#limit && !this.#waiting?.length) start()
      else {
        call.start = start
        this.#waiting ??= []
        this.#waiting.push(call)
      }
      if (!settled) this.#deadlines.watch(call)
    })
  }

  /** Rejects every unsettled call with `error` and forgets the slots they held. */
  failAll(error: unknown): void {
    // Each call stops being watched as it fails (the deadlines are shared with other clients).
    const calls: PendingCall[] = []
    for (let call = this.#first; call !== undefined; call = call.next) calls.push(call)
    this.#waiting = undefined
    this.#active = 0
    for (const call of calls) {
      call.start = undefined
      call.fail(error)
    }
  }

  /** Resolves once no call is pending (at once when none is). */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve()
    return new Promise((resolve) => {
      this.#idle ??= []
      this.#idle.push(resolve)
    })
  }

  #unlink(call: PendingCall): void {
    const { previous, next } = call
    if (previous === undefined) this.#first = next
    else previous.next = next
    if (next === undefined) this.#last = previous
    else next.previous = previous
    call.previous = undefined
    call.next = undefined
    this.#pending--
  }

  #release(): void {
    this.#active = Math.max(0, this.#active - 1)
    while (this.#active < this.#limit) {
      const next = this.#waiting?.shift()
      if (!next) return
      next.start?.()
    }
  }

  #notifyIdle(): void {
    // Called whenever the last pending call settles (after every call, when they come one by one).
    const waiters = this.#idle
    if (waiters === undefined) return
    this.#idle = undefined
    for (const resolve of waiters) resolve()
  }
}
