import { onTestFinished } from 'vitest'
import { backTo, resources } from '../reliability/helpers.js'

/**
 * Records unhandled rejections from now until the test ends and snapshots the active handles, so
 * a fault test can check that it left nothing behind.
 */
export function watchProcess() {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  onTestFinished(() => {
    process.off('unhandledRejection', onUnhandled)
  })
  const baseline = resources()
  return {
    unhandled,
    /** What is still open compared with the start (waits up to 2 s for sockets and timers to go). */
    leaked: () => backTo(baseline),
  }
}
