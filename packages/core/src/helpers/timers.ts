import { beforeDeadline } from './before-deadline.js'

/**
 * The longest delay `setTimeout` honours (2^31 - 1 ms); a longer one would fire at once, so a
 * timeout above it is treated as no timeout at all.
 */
export const maxTimer = 2_147_483_647

/**
 * Arms the two ways a wait can end early: `onTimeout` after `ms` (no timer when `ms` exceeds
 * {@link maxTimer}) and `onAbort` with the signal's reason when `signal` aborts. Whichever fires
 * first disarms the other; the returned function disarms both (idempotent). A signal already
 * aborted does not fire: check `signal.aborted` before waiting.
 */
export function onTimeoutOrAbort(
  ms: number,
  signal: AbortSignal | undefined,
  onTimeout: () => void,
  onAbort: (reason: unknown) => void,
): () => void {
  const disarm = () => {
    if (timer !== undefined) clearTimeout(timer)
    signal?.removeEventListener('abort', aborted)
  }
  const aborted = () => {
    disarm()
    onAbort(signal?.reason)
  }
  const timer =
    ms > maxTimer
      ? undefined
      : setTimeout(() => {
          disarm()
          onTimeout()
        }, ms)
  signal?.addEventListener('abort', aborted, { once: true })
  return disarm
}

/** Waits for `promise` at most `ms`; resolves `false` when the time ran out first. Leaves no timer behind. */
export async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return (
    (await beforeDeadline(
      promise.then(() => true),
      Date.now() + ms,
    )) ?? false
  )
}
