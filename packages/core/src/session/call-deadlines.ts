/** Something that must happen by a time (ms, `Date.now()` clock). */
export interface Deadline {
  readonly at: number
  expire(): void
}

type Timer = ReturnType<typeof setTimeout>

/**
 * One timer for many deadlines. Calls in flight mostly settle long before their timeout; a timer
 * each would be armed and cleared per call, which costs more than the call itself when they come
 * one after another (a publish loop waiting on the socket). This keeps one timer armed for the
 * earliest deadline and leaves it armed when deadlines go away: when it fires, it expires what is
 * due and re-arms for the next. While nothing is watched the timer does not keep Node running.
 */
export class CallDeadlines {
  /** Made on first use: most clients never have a call with a deadline in flight for long. */
  #watched: Set<Deadline> | undefined
  #timer: Timer | undefined
  #timerAt = Number.POSITIVE_INFINITY

  /** Watches `deadline` until {@link unwatch}; one at `Infinity` is never due. */
  watch(deadline: Deadline): void {
    if (deadline.at === Number.POSITIVE_INFINITY) return
    this.#watched ??= new Set()
    this.#watched.add(deadline)
    if (this.#timer === undefined || deadline.at < this.#timerAt) this.#arm(deadline.at)
    else if (this.#watched.size === 1) refer(this.#timer, true)
  }

  unwatch(deadline: Deadline): void {
    if (this.#watched?.delete(deadline) && this.#watched.size === 0 && this.#timer !== undefined) {
      refer(this.#timer, false)
    }
  }

  /** Stops the timer and forgets every deadline. */
  clear(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#timerAt = Number.POSITIVE_INFINITY
    this.#watched?.clear()
  }

  #arm(at: number): void {
    clearTimeout(this.#timer)
    this.#timerAt = at
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - Date.now()))
  }

  #fire(): void {
    this.#timer = undefined
    this.#timerAt = Number.POSITIVE_INFINITY
    const now = Date.now()
    let next = Number.POSITIVE_INFINITY
    for (const deadline of [...(this.#watched ?? [])]) {
      if (deadline.at <= now) {
        this.#watched?.delete(deadline)
        deadline.expire()
      } else if (deadline.at < next) next = deadline.at
    }
    if (next !== Number.POSITIVE_INFINITY && this.#timer === undefined) this.#arm(next)
  }
}

/** Lets a timer keep Node running, or not (browsers' numeric timers have no such notion). */
function refer(timer: Timer, keepAlive: boolean): void {
  if (typeof timer !== 'object' || timer === null) return
  if (keepAlive) timer.ref()
  else timer.unref()
}

/**
 * The deadlines of every client's calls in this process: one timer for all of them, where a timer
 * per client would stay armed (a Timeout, its closure and numbers) long after its last call.
 */
export const processDeadlines = new CallDeadlines()
