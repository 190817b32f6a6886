import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { binaryAvailable, findBinary, skipReason } from './daemon.js'
import { type ProxyServer, startProxy } from './proxy-daemon.js'

/** Options for {@link startTinyproxy}. */
export interface StartTinyproxyOptions {
  /** Require HTTP Basic proxy authentication with these credentials (`BasicAuth`). */
  auth?: { username: string; password: string }
  /** Ports CONNECT may reach (`ConnectPort`); any other is refused with 403. @default every port */
  connectPorts?: number[]
}

/** A tinyproxy (HTTP CONNECT proxy) process this test owns; `tunnels()` lists the CONNECT targets it accepted. */
export type TinyproxyServer = ProxyServer

/** Where Debian's tinyproxy is, or undefined. */
export const tinyproxyBinary = (): string | undefined => findBinary('tinyproxy')

/** Whether tinyproxy tests can run; throws when `REQUIRE_MOSQUITTO=1` (CI) and it is missing. */
export const tinyproxyAvailable = (): boolean => binaryAvailable('tinyproxy')

/** The reason printed in the names of tests skipped for want of tinyproxy. */
export const tinyproxySkipReason = skipReason('tinyproxy')

function config(dir: string, port: number, options: StartTinyproxyOptions): string {
  const lines = [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', 'LogLevel Info', 'MaxClients 100']
  lines.push(`PidFile "${join(dir, 'tinyproxy.pid')}"`, 'Allow 127.0.0.1', 'DisableViaHeader Yes')
  for (const connectPort of options.connectPorts ?? []) lines.push(`ConnectPort ${connectPort}`)
  if (options.auth) lines.push(`BasicAuth ${options.auth.username} ${options.auth.password}`)
  return `${lines.join('\n')}\n`
}

/**
 * Spawns Debian's tinyproxy in the foreground as an HTTP CONNECT proxy on 127.0.0.1 and a free
 * port, and waits until it accepts connections.
 *
 * @example
 * await using proxy = await startTinyproxy({ auth: { username: 'u', password: 'p' }, connectPorts: [broker.port] })
 */
export async function startTinyproxy(options: StartTinyproxyOptions = {}): Promise<TinyproxyServer> {
  const binary = tinyproxyBinary()
  if (binary === undefined) throw new Error('tinyproxy is not installed (apt-get install tinyproxy)')
  return startProxy({
    binary,
    folder: 'await-mqtt-tinyproxy-',
    async args(_host, port, dir) {
      const configFile = join(dir, 'tinyproxy.conf')
      await writeFile(configFile, config(dir, port, options))
      return ['-d', '-c', configFile]
    },
    tunnels: (log) =>
      [...log.matchAll(/Request \(file descriptor \d+\): CONNECT (\S+)/g)].map((m) => m[1] ?? ''),
  })
}
