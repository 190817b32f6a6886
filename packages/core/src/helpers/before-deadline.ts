/**
 * Resolves with what `promise` gives, or `undefined` when `deadline` (a `Date.now()` time) passes
 * first; a rejection before the deadline passes through. For bounding shutdown steps (the adapters
 * use it to keep `close()` within its timeout); the timer never outlives the race.
 * @example
 * const deadline = Date.now() + 5000
 * if ((await beforeDeadline(worker.done.then(() => true), deadline)) === undefined) log.warn('late')
 */
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
