/** Long-running work of an instance (a handler loop, an SSE bridge) that close must end. */
export interface Task {
  /** Asks the work to end; it finishes what it is doing (one message) and returns. */
  stop(): void
  /** Settles once the work ended; never rejects. */
  readonly done: Promise<void>
}

/** A promise with its resolve function, for a one-shot "stop" signal. */
export function stopSignal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {}
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

/**
 * Iterates `iterable` until it ends or `stop` settles: a loop waiting for the next message ends at
 * once on stop, without unsubscribing anything, and without losing a message a later reader of the
 * same iterable should get. On stop, the iterator's `return()` ends its pending read (a
 * `Subscription` reader gives `done`), so no orphaned `next()` takes the next message; and no read
 * starts once stopped, so what is queued stays queued. A message a read got before the stop is
 * still yielded: it left the queue, so handling it is the only way not to lose it.
 */
export async function* until<T>(iterable: AsyncIterable<T>, stop: Promise<void>): AsyncGenerator<T, void> {
  const iterator = iterable[Symbol.asyncIterator]()
  let stopped = false
  let returned: Promise<unknown> | undefined
  const end = () => {
    returned ??= Promise.resolve(iterator.return?.()).catch(() => undefined)
    return returned
  }
  void stop.then(() => {
    stopped = true
    void end()
  })
  try {
    while (!stopped) {
      const result = await iterator.next()
      if (result.done) return
      yield result.value
    }
  } finally {
    await end()
  }
}
