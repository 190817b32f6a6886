import { binaryAvailable, findBinary, skipReason } from './daemon.js'
import { type ProxyServer, startProxy } from './proxy-daemon.js'

/** Options for {@link startMicrosocks}. */
export interface StartMicrosocksOptions {
  /** Require SOCKS5 user name/password authentication (`-u user -P password`). */
  auth?: { username: string; password: string }
}

/** A microsocks (SOCKS5 proxy) process this test owns; `tunnels()` lists where it connected clients. */
export type MicrosocksServer = ProxyServer

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
  return startProxy({
    binary,
    args(host, port) {
      const args = ['-i', host, '-p', String(port)]
      if (options.auth) args.push('-u', options.auth.username, '-P', options.auth.password)
      return args
    },
    tunnels: (log) => [...log.matchAll(/: connected to (\S+)/g)].map((m) => m[1] ?? ''),
  })
}
