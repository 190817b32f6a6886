import type { Duplex } from 'node:stream'

/** Runs `step` until it settles, the signal aborts, or the socket fails; always cleans up its listeners. */
export function settle<T>(
  socket: Duplex,
  signal: AbortSignal,
  step: (resolve: (value: T) => void, reject: (error: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => signal.removeEventListener('abort', onAbort)
    const onAbort = () => {
      cleanup()
      socket.destroy()
      reject(signal.reason)
    }
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    step(
      (value) => {
        cleanup()
        resolve(value)
      },
      (error) => {
        cleanup()
        socket.destroy()
        reject(error)
      },
    )
  })
}
