import type { Duplex } from 'node:stream'
import type { Opening } from './opening.js'

/**
 * Runs `step` until it settles, the opening is aborted (the socket is destroyed and the abort's
 * reason rejects), or the socket fails; always stops listening to the opening.
 */
export function settle<T>(
  socket: Duplex,
  opening: Opening,
  step: (resolve: (value: T) => void, reject: (error: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (reason: unknown) => {
      socket.destroy()
      reject(reason)
    }
    if (opening.aborted) return onAbort(opening.reason)
    opening.listen(onAbort)
    step(
      (value) => {
        opening.stopListening()
        resolve(value)
      },
      (error) => {
        opening.stopListening()
        socket.destroy()
        reject(error)
      },
    )
  })
}
