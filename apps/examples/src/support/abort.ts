/**
 * Runs `stop` once when `signal` aborts (at once if it already has); disposing the result removes
 * the listener. `using _ = onAbort(signal, () => messages.close())` ends a `for await` on Ctrl-C.
 */
export function onAbort(signal: AbortSignal | undefined, stop: () => void): Disposable {
  if (signal === undefined) return { [Symbol.dispose]: () => {} }
  if (signal.aborted) {
    stop()
    return { [Symbol.dispose]: () => {} }
  }
  signal.addEventListener('abort', stop, { once: true })
  return { [Symbol.dispose]: () => signal.removeEventListener('abort', stop) }
}

/** A promise with its resolve function outside (Node 20 has no `Promise.withResolvers`). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}
