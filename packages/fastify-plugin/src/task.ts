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
