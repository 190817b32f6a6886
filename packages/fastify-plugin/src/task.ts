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
 * Iterates `iterable` until it ends or `stop` settles, whichever is first: a loop waiting for the
 * next message ends at once on stop, without unsubscribing anything.
 */
export async function* until<T>(iterable: AsyncIterable<T>, stop: Promise<void>): AsyncGenerator<T, void> {
  const iterator = iterable[Symbol.asyncIterator]()
  let isStopped = false
  const stopped = stop.then((): IteratorReturnResult<undefined> => {
    isStopped = true
    return { done: true, value: undefined }
  })
  for (;;) {
    const result = await Promise.race([iterator.next(), stopped])
    // A message already buffered may win the race against an earlier stop: stop wins.
    if (result.done || isStopped) return
    yield result.value
  }
}

/** Resolves with what `promise` gives, or `undefined` when `deadline` (a `Date.now()` time) passes first. */
export async function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), undefined)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}
