import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { binaryAvailable, findBinary, skipReason } from './daemon.js'
import { type ProxyServer, startProxy } from './proxy-daemon.js'

/** A Dante (SOCKS4 and SOCKS5 proxy) process this test owns; `tunnels()` lists where it connected clients. */
export type DanteServer = ProxyServer

/** Where Debian's danted (package dante-server) is, or undefined. */
export const danteBinary = (): string | undefined => findBinary('danted')

/** Whether Dante tests can run; throws when `REQUIRE_MOSQUITTO=1` (CI) and it is missing. */
export const danteAvailable = (): boolean => binaryAvailable('danted')

/** The reason printed in the names of tests skipped for want of danted. */
export const danteSkipReason = skipReason('danted').replace(
  'apt-get install danted',
  'apt-get install dante-server',
)

function config(port: number): string {
  return `logoutput: stderr
internal: 127.0.0.1 port = ${port}
external: 127.0.0.1
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass {
  from: 127.0.0.0/8 to: 0.0.0.0/0
  log: connect
}
socks pass {
  from: 127.0.0.0/8 to: 0.0.0.0/0
  protocol: tcp
  log: connect
}
`
}

/**
 * Spawns Debian's danted in the foreground as a SOCKS4/SOCKS5 proxy (no authentication) on
 * 127.0.0.1 and a free port, and waits until it accepts connections. microsocks speaks only SOCKS5;
 * this is the real SOCKS4 server the tests use.
 *
 * @example
 * await using proxy = await startDante()
 */
export async function startDante(): Promise<DanteServer> {
  const binary = danteBinary()
  if (binary === undefined) throw new Error('danted is not installed (apt-get install dante-server)')
  return startProxy({
    binary,
    folder: 'await-mqtt-dante-',
    async args(_host, port, dir) {
      const configFile = join(dir, 'danted.conf')
      await writeFile(configFile, config(port))
      return ['-f', configFile]
    },
    tunnels: (log) =>
      [...log.matchAll(/tcp\/connect \[: .* -> \S+ (\d+\.\d+\.\d+\.\d+)\.(\d+)\s*$/gm)].map(
        (m) => `${m[1]}:${m[2]}`,
      ),
  })
}
