import { execFile } from 'node:child_process'
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import type { TestCertificates } from './certificates.js'
import { binaryAvailable, type Daemon, findBinary, skipReason, spawnDaemon } from './daemon.js'
import { freePort } from './free-port.js'

const run = promisify(execFile)

/** Options for {@link startMosquitto}: each one turns into a line of the generated mosquitto.conf. */
export interface StartMosquittoOptions {
  /** Serve MQTT over WebSockets on its own free port. @default true */
  websocket?: boolean
  /** Serve MQTT over TLS on its own free port, with these certificates. */
  tls?: { certificates: TestCertificates; requireClientCertificate?: boolean }
  /** Users for a password file; anonymous clients are then refused unless `allowAnonymous`. */
  users?: Record<string, string>
  /** @default true without `users`, false with them */
  allowAnonymous?: boolean
  /** Contents of an ACL file (`user alice` / `topic readwrite alice/#` ...). */
  acl?: string
  /** Keep sessions and queued messages on disk across restarts. @default false */
  persistence?: boolean
  /** More mosquitto.conf lines, appended as they are. */
  extraConfig?: string
}

/** A mosquitto process this test owns, on 127.0.0.1 and free ports. */
export interface MosquittoBroker extends AsyncDisposable {
  readonly host: string
  readonly port: number
  readonly url: string
  readonly wsPort: number | undefined
  readonly wsUrl: string | undefined
  readonly tlsPort: number | undefined
  readonly tlsUrl: string | undefined
  /** What mosquitto printed so far. */
  logs(): string
  /** Starts it again on the same ports and config (after `stop` or `kill`). */
  start(): Promise<void>
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>
  /** SIGKILL, as a crash would, then waits for the exit. */
  kill(): Promise<void>
  /** Stops it for good and removes its folder. Idempotent. */
  close(): Promise<void>
  /**
   * With `persistence`: resolves once mosquitto saved its database in a save that began after this
   * call (it autosaves every second), so a crash from then on keeps what it held at the call.
   * Rejects after `timeoutMs`.
   */
  saved(timeoutMs?: number): Promise<void>
}

/** Where Debian's mosquitto (or one of its tools, e.g. `mosquitto_passwd`) is, or undefined. */
export const mosquittoBinary = (name = 'mosquitto'): string | undefined => findBinary(name)

/**
 * Whether mosquitto tests can run here. Throws when `REQUIRE_MOSQUITTO=1` and the binary is
 * missing, so CI fails loudly instead of skipping.
 */
export const mosquittoAvailable = (): boolean => binaryAvailable('mosquitto')

/** The reason printed in the names of tests skipped for want of mosquitto. */
export const mosquittoSkipReason = skipReason('mosquitto')

function config(
  dir: string,
  options: StartMosquittoOptions,
  ports: { port: number; wsPort?: number; tlsPort?: number },
) {
  const lines = ['user root', 'log_dest stdout', 'log_type error', 'log_type warning', 'log_type notice']
  lines.push('per_listener_settings false', 'max_queued_messages 100000', 'max_inflight_messages 100')
  const anonymous = options.allowAnonymous ?? options.users === undefined
  lines.push(`allow_anonymous ${anonymous}`)
  if (options.users) lines.push(`password_file ${join(dir, 'passwords')}`)
  if (options.acl !== undefined) lines.push(`acl_file ${join(dir, 'acl')}`)
  if (options.persistence)
    lines.push('persistence true', `persistence_location ${dir}/`, 'autosave_interval 1')
  lines.push(`listener ${ports.port} 127.0.0.1`, 'protocol mqtt')
  if (ports.wsPort !== undefined) lines.push(`listener ${ports.wsPort} 127.0.0.1`, 'protocol websockets')
  if (ports.tlsPort !== undefined && options.tls) {
    const { certificates, requireClientCertificate = false } = options.tls
    lines.push(`listener ${ports.tlsPort} 127.0.0.1`, 'protocol mqtt', `cafile ${certificates.caFile}`)
    lines.push(`certfile ${certificates.serverCertFile}`, `keyfile ${certificates.serverKeyFile}`)
    lines.push(`require_certificate ${requireClientCertificate}`)
  }
  if (options.extraConfig) lines.push(options.extraConfig)
  return `${lines.join('\n')}\n`
}

/**
 * Spawns Debian's mosquitto (MQTT 3.1.1 and 5) with a generated config on free ports and waits
 * until every listener accepts connections.
 *
 * @example
 * await using mosquitto = await startMosquitto({ users: { alice: 'secret' } })
 */
export async function startMosquitto(options: StartMosquittoOptions = {}): Promise<MosquittoBroker> {
  const binary = mosquittoBinary()
  if (binary === undefined) throw new Error('mosquitto is not installed (apt-get install mosquitto)')
  const host = '127.0.0.1'
  const dir = await mkdtemp(join(tmpdir(), 'await-mqtt-mosquitto-'))
  const port = await freePort()
  const wsPort = options.websocket === false ? undefined : await freePort()
  const tlsPort = options.tls ? await freePort() : undefined
  if (options.users) {
    const file = join(dir, 'passwords')
    await writeFile(file, '')
    for (const [user, password] of Object.entries(options.users)) {
      await run(mosquittoBinary('mosquitto_passwd') ?? 'mosquitto_passwd', ['-b', file, user, password])
    }
    await chmod(file, 0o600)
  }
  if (options.acl !== undefined) await writeFile(join(dir, 'acl'), options.acl, { mode: 0o600 })
  const configFile = join(dir, 'mosquitto.conf')
  await writeFile(configFile, config(dir, options, { port, wsPort, tlsPort }))

  let earlierOutput = ''
  let daemon: Daemon | undefined
  const ports = [port, wsPort, tlsPort].filter((p) => p !== undefined)
  const start = async () => {
    daemon ??= await spawnDaemon(binary, ['-c', configFile], ports)
  }
  const signal = async (name: NodeJS.Signals) => {
    const current = daemon
    if (!current) return
    daemon = undefined
    await current.stop(name)
    earlierOutput += current.output()
  }
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= signal('SIGTERM').then(() => rm(dir, { recursive: true, force: true }))
    return closing
  }

  try {
    await start()
  } catch (error) {
    await close()
    throw error
  }
  return {
    host,
    port,
    url: `mqtt://${host}:${port}`,
    wsPort,
    wsUrl: wsPort === undefined ? undefined : `ws://${host}:${wsPort}`,
    tlsPort,
    tlsUrl: tlsPort === undefined ? undefined : `mqtts://${host}:${tlsPort}`,
    logs: () => earlierOutput + (daemon?.output() ?? ''),
    start,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    close,
    saved: (timeoutMs = 10_000) =>
      options.persistence
        ? savedAfter(join(dir, 'mosquitto.db'), Date.now(), timeoutMs)
        : Promise.reject(new Error('saved() needs startMosquitto({ persistence: true })')),
    [Symbol.asyncDispose]: close,
  }
}

/**
 * Waits for two saves of `file` finishing after `since`: the first may have begun before it, the
 * second began after the first ended.
 */
async function savedAfter(file: string, since: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const seen = new Set<number>()
  while (Date.now() < deadline) {
    const modified = await stat(file).then(
      (info) => info.mtimeMs,
      () => 0,
    )
    if (modified > since) seen.add(modified)
    if (seen.size >= 2) return
    await sleep(50)
  }
  throw new Error(`mosquitto did not save ${file} twice within ${timeoutMs} ms`)
}
