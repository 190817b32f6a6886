import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { WorkerCommand, WorkerReport } from './share-worker.js'

const workerFile = fileURLToPath(new URL('./share-worker.ts', import.meta.url))

/** A forked share-worker.ts. */
export interface PoolWorker {
  /** Resolves once it subscribed. */
  ready: Promise<void>
  /** Resolves with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  kill(): void
  /** Closes its client; it exits then. */
  stop(): void
}

/**
 * Forks a worker of the `$share/<group>/<topic>` pool: `onReport` hears what it does. The fork
 * uses the source of @await-mqtt/core through tsx.
 */
export function startWorker(
  options: {
    url: string
    clientId: string
    group: string
    topic: string
    qos: number
    workMs: number
    /** Leave a will, hear the pool's, and adopt a dead worker's session (share-worker.ts). */
    adopt?: boolean
  },
  onReport: (report: WorkerReport) => void,
): PoolWorker {
  const { url, clientId, group, topic, qos, workMs, adopt = false } = options
  const argv = [url, clientId, group, topic, String(qos), String(workMs), ...(adopt ? ['adopt'] : [])]
  const child = fork(workerFile, argv, {
    execArgv: ['--import', 'tsx', '--conditions=@await-mqtt/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }))
  let onReady: () => void = () => {}
  const ready = Promise.race([
    new Promise<void>((resolve) => (onReady = resolve)),
    exited.then(({ code, signal }) => {
      throw new Error(`worker ${clientId} exited before it was ready (code ${code}, signal ${signal})`)
    }),
  ])
  ready.catch(() => {})
  child.on('message', (report: WorkerReport) => {
    if (report.type === 'ready') onReady()
    onReport(report)
  })
  const send = (command: WorkerCommand) => {
    if (child.connected) child.send(command)
  }
  return { ready, exited, kill: () => child.kill('SIGKILL'), stop: () => send({ type: 'stop' }) }
}
