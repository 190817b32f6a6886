import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

/** The machine's CPU time so far, in clock ticks: what was spent working, and in all. */
export interface CpuTicks {
  busy: number
  total: number
}

/** The machine-wide `cpu` line of `/proc/stat` as ticks (idle and iowait count as not busy). */
export function parseProcStat(text: string): CpuTicks | undefined {
  const line = text.split('\n', 1)[0] ?? ''
  const [label, ...fields] = line.trim().split(/\s+/)
  if (label !== 'cpu' || fields.length < 4) return undefined
  const ticks = fields.slice(0, 8).map(Number)
  if (ticks.some((tick) => !Number.isFinite(tick))) return undefined
  const total = ticks.reduce((sum, tick) => sum + tick, 0)
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0)
  return { busy: total - idle, total }
}

/** The share of the machine that was busy between two readings (0 when no time passed). */
export function busyShare(before: CpuTicks, after: CpuTicks): number {
  const total = after.total - before.total
  return total <= 0 ? 0 : (after.busy - before.busy) / total
}

async function readTicks(): Promise<CpuTicks | undefined> {
  try {
    return parseProcStat(await readFile('/proc/stat', 'utf8'))
  } catch {
    return undefined
  }
}

/** How {@link waitForQuiet} decides the machine is quiet, and how long it waits at most. */
export interface QuietOptions {
  /** Each look spans this long. @default 100 */
  windowMs?: number
  /** The machine counts as quiet once no more than this share of all its CPUs was busy in a window. @default 0.1 */
  maxBusyShare?: number
  /** Gives up after this long (the machine may be busy with something else). @default 3000 */
  maxWaitMs?: number
}

/** How long {@link waitForQuiet} waited, and whether the machine did quiet down. */
export interface QuietResult {
  waitedMs: number
  quiet: boolean
}

/**
 * Waits until the whole machine is nearly idle: the broker done with what the previous run sent
 * (a QoS 0 publisher is finished long before mosquitto has read its last bytes), the previous
 * contender's process gone. Without it, whoever runs after mosquitto_pub starts on a busy broker:
 * raw MQTT.js measured 1.36× slower than itself, every round. Where `/proc/stat` is not readable it
 * waits one window.
 */
export async function waitForQuiet({
  windowMs = 100,
  maxBusyShare = 0.1,
  maxWaitMs = 3_000,
}: QuietOptions = {}): Promise<QuietResult> {
  const started = performance.now()
  const elapsed = () => performance.now() - started
  let before = await readTicks()
  if (before === undefined) {
    await sleep(windowMs)
    return { waitedMs: elapsed(), quiet: false }
  }
  while (elapsed() < maxWaitMs) {
    await sleep(windowMs)
    const after = await readTicks()
    if (after === undefined) break
    if (busyShare(before, after) <= maxBusyShare) return { waitedMs: elapsed(), quiet: true }
    before = after
  }
  return { waitedMs: elapsed(), quiet: false }
}
