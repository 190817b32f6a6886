/** Completes one callback-style operation. */
export type Done = (error?: unknown) => void

/**
 * Runs `send` `total` times with at most `window` operations unfinished, the way a careful user of
 * a callback API would (no promise per operation). Callbacks that fire synchronously keep the loop
 * going without recursion. Resolves when every operation finished; rejects on the first error.
 */
export function pumpCallbacks(total: number, window: number, send: (done: Done) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let started = 0
    let finished = 0
    let failed = false
    let pumping = false
    const done: Done = (error) => {
      if (failed) return
      if (error) {
        failed = true
        reject(error)
        return
      }
      finished++
      if (finished === total) resolve()
      else if (!pumping) pump()
    }
    const pump = () => {
      pumping = true
      while (!failed && started < total && started - finished < window) {
        started++
        send(done)
      }
      pumping = false
    }
    if (total === 0) resolve()
    else pump()
  })
}

/**
 * Runs `send` `total` times with at most `window` promises pending. A window of 1 is the plain
 * `for (...) await send()` loop a user writes.
 */
export async function pumpPromises(
  total: number,
  window: number,
  send: () => Promise<unknown>,
): Promise<void> {
  if (window === 1) {
    for (let index = 0; index < total; index++) await send()
    return
  }
  await new Promise<void>((resolve, reject) => {
    let started = 0
    let finished = 0
    const next = (): void => {
      if (started >= total) return
      started++
      send().then(() => {
        finished++
        if (finished === total) resolve()
        else next()
      }, reject)
    }
    if (total === 0) resolve()
    for (let index = 0; index < Math.min(window, total); index++) next()
  })
}
