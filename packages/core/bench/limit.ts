import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { mosquittoBinary } from '@await-mqtt/test-utils'

/** Where Debian's mosquitto_pub and mosquitto_sub are (package mosquitto-clients), when installed. */
export const pubBinary = mosquittoBinary('mosquitto_pub')
export const subBinary = mosquittoBinary('mosquitto_sub')
export const cliAvailable = pubBinary !== undefined && subBinary !== undefined
export const cliSkipReason = 'mosquitto_pub/mosquitto_sub not installed (apt-get install mosquitto-clients)'

/** Files of `count` lines of `size` bytes ('x'), written once per run into `dir`. */
export class LineFiles {
  readonly #dir: string
  readonly #files = new Map<string, string>()

  constructor(dir: string) {
    this.#dir = dir
  }

  get(count: number, size: number): string {
    const key = `${count}x${size}`
    let file = this.#files.get(key)
    if (file === undefined) {
      file = join(this.#dir, `lines-${key}.txt`)
      // Runs never overlap: a file already there (another thread wrote it) is complete.
      if (existsSync(file)) {
        this.#files.set(key, file)
        return file
      }
      const line = `${'x'.repeat(size)}\n`
      const chunk = line.repeat(Math.max(1, Math.floor((1 << 20) / line.length)))
      const perChunk = chunk.length / line.length
      const fd = openSync(file, 'w')
      let written = 0
      while (written + perChunk <= count) {
        writeFileSync(fd, chunk)
        written += perChunk
      }
      if (written < count) writeFileSync(fd, line.repeat(count - written))
      closeSync(fd)
      this.#files.set(key, file)
    }
    return file
  }
}

export interface PublishLinesOptions {
  host: string
  port: number
  topic: string
  /** A file of one message per line. */
  file: string
  qos?: 0 | 1 | 2
  /** `-M`: QoS 1/2 messages in flight. */
  inflight?: number
}

/**
 * `mosquitto_pub -l` publishing every line of `file` (MQTT 3.1.1), from spawn to exit.
 * @returns the wall time in seconds.
 */
export function publishLines({
  host,
  port,
  topic,
  file,
  qos = 0,
  inflight,
}: PublishLinesOptions): Promise<number> {
  if (pubBinary === undefined) return Promise.reject(new Error(cliSkipReason))
  const args = ['-h', host, '-p', String(port), '-t', topic, '-q', String(qos), '-l', '-V', 'mqttv311']
  if (inflight !== undefined) args.push('-M', String(inflight))
  const input = openSync(file, 'r')
  const started = performance.now()
  const child = spawn(pubBinary, args, { stdio: [input, 'ignore', 'pipe'] })
  closeSync(input)
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => {
      const seconds = (performance.now() - started) / 1000
      if (code === 0) resolve(seconds)
      else reject(new Error(`mosquitto_pub exited with ${code}: ${errors.trim()}`))
    })
  })
}

/** A running `mosquitto_sub -C`. */
export interface LineSubscriber {
  /** Resolves once it is subscribed (it printed the retained ready marker). */
  ready: Promise<void>
  /** When the first data message arrived (ms, performance.now()). */
  readonly firstAt: number | undefined
  /** Lines (messages) printed so far, the marker not counted. */
  readonly count: number
  /** Resolves at exit, with the exit time. */
  exited: Promise<number>
  kill(): void
}

/**
 * `mosquitto_sub -C count+1` on `topic` and on `readyTopic`, which must hold a retained message:
 * receiving it proves the subscription is in place. Payloads must not contain newlines.
 */
export function subscribeLines(
  host: string,
  port: number,
  topic: string,
  readyTopic: string,
  count: number,
): LineSubscriber {
  if (subBinary === undefined) throw new Error(cliSkipReason)
  const args = ['-h', host, '-p', String(port), '-t', readyTopic, '-t', topic, '-C', String(count + 1)]
  args.push('-V', 'mqttv311')
  const child = spawn(subBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let lines = -1
  let firstAt: number | undefined
  let signalReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    let newlines = 0
    for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) newlines++
    if (lines === -1 && newlines > 0) signalReady()
    if (firstAt === undefined && lines + newlines > 0) firstAt = performance.now()
    lines += newlines
  })
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString()
  })
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      const at = performance.now()
      if (code === 0 || signal === 'SIGTERM') resolve(at)
      else reject(new Error(`mosquitto_sub exited with ${code ?? signal}: ${errors.trim()}`))
    })
  })
  exited.catch(() => signalReady())
  return {
    ready,
    get firstAt() {
      return firstAt
    },
    get count() {
      return Math.max(0, lines)
    },
    exited,
    kill: () => child.kill('SIGTERM'),
  }
}
