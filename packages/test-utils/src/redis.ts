import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryAvailable, type Daemon, findBinary, skipReason, spawnDaemon } from './daemon.js'
import { freePort } from './free-port.js'

/** A redis-server process this test owns, on 127.0.0.1 and a free port, keeping nothing on disk. */
export interface RedisServer extends AsyncDisposable {
  readonly host: string
  readonly port: number
  /** `redis://127.0.0.1:port` */
  readonly url: string
  /** What redis-server printed so far. */
  logs(): string
  /** SIGTERM, waits for the exit, and removes its folder. Idempotent. */
  close(): Promise<void>
}

/** Where Debian's redis-server is, or undefined. */
export const redisBinary = (): string | undefined => findBinary('redis-server')

/** Whether redis tests can run here; throws when `REQUIRE_MOSQUITTO=1` (CI) and it is missing. */
export const redisAvailable = (): boolean => binaryAvailable('redis-server')

/** The reason printed in the names of tests skipped for want of redis-server. */
export const redisSkipReason = skipReason('redis-server')

/**
 * Spawns Debian's redis-server on 127.0.0.1 and a free port, without persistence (no RDB, no AOF:
 * a test's state dies with it), and waits until it accepts connections.
 *
 * @example
 * await using redis = await startRedis()
 */
export async function startRedis(): Promise<RedisServer> {
  const binary = redisBinary()
  if (binary === undefined) throw new Error('redis-server is not installed (apt-get install redis-server)')
  const host = '127.0.0.1'
  const dir = await mkdtemp(join(tmpdir(), 'await-mqtt-redis-'))
  const port = await freePort()
  // Command-line options instead of a config file: Debian's /etc/redis/redis.conf is not read.
  const args = ['--bind', host, '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no']
  args.push('--daemonize', 'no', '--protected-mode', 'no', '--loglevel', 'warning')
  let daemon: Daemon | undefined
  try {
    daemon = await spawnDaemon(binary, args, [port])
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  const running = daemon
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= running.stop('SIGTERM').then(() => rm(dir, { recursive: true, force: true }))
    return closing
  }
  return {
    host,
    port,
    url: `redis://${host}:${port}`,
    logs: () => running.output(),
    close,
    [Symbol.asyncDispose]: close,
  }
}
