import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from './free-port.js'
import { waitForPort } from './wait-for-port.js'

const searchPath = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']

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
export function microsocksBinary(): string | undefined {
  return searchPath.map((dir) => join(dir, 'microsocks')).find((path) => existsSync(path))
}

/** Whether microsocks tests can run; throws when `REQUIRE_MOSQUITTO=1` (CI) and it is missing. */
export function microsocksAvailable(): boolean {
  const found = microsocksBinary() !== undefined
  if (!found && process.env.REQUIRE_MOSQUITTO === '1') {
    throw new Error('REQUIRE_MOSQUITTO=1 but no microsocks binary was found (apt-get install microsocks)')
  }
  return found
}

/** The reason printed in the names of tests skipped for want of microsocks. */
export const microsocksSkipReason =
  'skipped: microsocks is not installed (apt-get install microsocks; REQUIRE_MOSQUITTO=1 makes this an error)'

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

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

  let output = ''
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child)
      resolve()
    }),
  )
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      if (!running.has(child)) return
      child.kill('SIGTERM')
      await exited
    })()
    return closing
  }
  try {
    const failed = exited.then(() => {
      throw new Error(`microsocks exited while starting:\n${output}`)
    })
    failed.catch(() => {})
    await Promise.race([waitForPort(port), failed])
  } catch (error) {
    await close()
    throw error
  }
  return {
    host,
    port,
    logs: () => output,
    tunnels: () => [...output.matchAll(/: connected to (\S+)/g)].map((m) => m[1] ?? ''),
    close,
    [Symbol.asyncDispose]: close,
  }
}
