import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Daemon, spawnDaemon } from './daemon.js'
import { freePort } from './free-port.js'

/** A proxy process this test owns, on 127.0.0.1 and a free port. */
export interface ProxyServer extends AsyncDisposable {
  readonly host: string
  readonly port: number
  /** What it logged so far. */
  logs(): string
  /** The `host:port` targets it connected clients to, in order (read from its log). */
  tunnels(): string[]
  /** Stops it (SIGTERM, then waits for the exit) and removes its folder, if any. Idempotent. */
  close(): Promise<void>
}

/** How to run one kind of proxy (see {@link startProxy}). */
export interface ProxySpec {
  binary: string
  /** A prefix for a folder of its own (for a config file); none without it. */
  folder?: string
  /** Its arguments, once its port (and folder) are known; may write files into the folder. */
  args(host: string, port: number, dir: string): Promise<string[]> | string[]
  /** The `host:port` targets in its log. */
  tunnels(log: string): string[]
}

/** Starts a proxy daemon on 127.0.0.1 and a free port and waits until it accepts connections. */
export async function startProxy(spec: ProxySpec): Promise<ProxyServer> {
  const host = '127.0.0.1'
  const dir = spec.folder === undefined ? '' : await mkdtemp(join(tmpdir(), spec.folder))
  let removed: Promise<void> | undefined
  const removeDir = () => {
    removed ??= dir === '' ? Promise.resolve() : rm(dir, { recursive: true, force: true })
    return removed
  }
  let port: number
  let daemon: Daemon
  try {
    port = await freePort()
    daemon = await spawnDaemon(spec.binary, await spec.args(host, port, dir), [port])
  } catch (error) {
    await removeDir()
    throw error
  }
  const close = () => daemon.stop().then(removeDir)
  return {
    host,
    port,
    logs: daemon.output,
    tunnels: () => spec.tunnels(daemon.output()),
    close,
    [Symbol.asyncDispose]: close,
  }
}
