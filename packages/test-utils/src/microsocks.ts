import { binaryAvailable, findBinary, skipReason, spawnDaemon } from './daemon.js'
import { freePort } from './free-port.js'

/** Options for {@link startMicrosocks}. */
export interface StartMicrosocksOptions {
  /** Require SOCKS5 user name/password authentication (`-u user -P password`). */
  auth?: { username: string; password: string }
}

/** A microsocks (SOCKS5 proxy) process this test owns, on 127.0.0.1 and a free port. */
export interface MicrosocksServer extends AsyncDisposable {
  readonly host: string
  readonly port: number
  /** What microsocks logged so far. */
  logs(): string
  /** The `host:port` targets microsocks connected clients to, in order. */
  tunnels(): string[]
  /** Stops it (SIGTERM, then waits for the exit). Idempotent. */
  close(): Promise<void>
}

/** Where Debian's microsocks is, or undefined. */
export const microsocksBinary = (): string | undefined => findBinary('microsocks')

/** Whether microsocks tests can run; throws when `REQUIRE_MOSQUITTO=1` (CI) and it is missing. */
export const microsocksAvailable = (): boolean => binaryAvailable('microsocks')

/** The reason printed in the names of tests skipped for want of microsocks. */
export const microsocksSkipReason = skipReason('microsocks')

/**
 * Spawns Debian's microsocks (SOCKS5 only) on 127.0.0.1 and a free port, and waits until it
 * accepts connections.
 *
 * @example
 * await using proxy = await startMicrosocks({ auth: { username: 'u', password: 'p' } })
 */
export async function startMicrosocks(options: StartMicrosocksOptions = {}): Promise<MicrosocksServer> {
  const binary = microsocksBinary()
  if (binary === undefined) throw new Error('microsocks is not installed (apt-get install microsocks)')
  const host = '127.0.0.1'
  const port = await freePort()
  const args = ['-i', host, '-p', String(port)]
  if (options.auth) args.push('-u', options.auth.username, '-P', options.auth.password)
  const daemon = await spawnDaemon(binary, args, [port])
  const close = () => daemon.stop()
  return {
    host,
    port,
    logs: daemon.output,
    tunnels: () => [...daemon.output().matchAll(/: connected to (\S+)/g)].map((m) => m[1] ?? ''),
    close,
    [Symbol.asyncDispose]: close,
  }
}
