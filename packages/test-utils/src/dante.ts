import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryAvailable, findBinary, skipReason, spawnDaemon } from './daemon.js'
import { freePort } from './free-port.js'

/** A Dante (SOCKS4 and SOCKS5 proxy) process this test owns, on 127.0.0.1 and a free port. */
export interface DanteServer extends AsyncDisposable {
  readonly host: string
  readonly port: number
  /** What danted logged so far. */
  logs(): string
  /** The `host:port` targets danted connected clients to, in order. */
  tunnels(): string[]
  /** Stops it (SIGTERM, then waits for the exit) and removes its folder. Idempotent. */
  close(): Promise<void>
}

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
  const host = '127.0.0.1'
  const dir = await mkdtemp(join(tmpdir(), 'await-mqtt-dante-'))
  const port = await freePort()
  const configFile = join(dir, 'danted.conf')
  await writeFile(configFile, config(port))
  const removeDir = () => rm(dir, { recursive: true, force: true })
  const daemon = await spawnDaemon(binary, ['-f', configFile], [port]).catch(async (error: unknown) => {
    await removeDir()
    throw error
  })
  const close = () => daemon.stop().then(removeDir)
  return {
    host,
    port,
    logs: daemon.output,
    tunnels: () =>
      [...daemon.output().matchAll(/tcp\/connect \[: .* -> \S+ (\d+\.\d+\.\d+\.\d+)\.(\d+)\s*$/gm)].map(
        (m) => `${m[1]}:${m[2]}`,
      ),
    close,
    [Symbol.asyncDispose]: close,
  }
}
