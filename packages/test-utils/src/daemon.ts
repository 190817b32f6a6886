import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { waitForPort, waitForPortClosed } from './wait-for-port.js'

const searchPath = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']

/** Where a Debian-installed program is, or undefined. */
export function findBinary(name: string): string | undefined {
  return searchPath.map((dir) => join(dir, name)).find((path) => existsSync(path))
}

/**
 * Whether a program the tests need is installed. Throws when `REQUIRE_MOSQUITTO=1` (CI) and it is
 * missing, so CI fails loudly instead of skipping.
 */
export function binaryAvailable(name: string): boolean {
  const found = findBinary(name) !== undefined
  if (!found && process.env.REQUIRE_MOSQUITTO === '1') {
    throw new Error(`REQUIRE_MOSQUITTO=1 but no ${name} binary was found (apt-get install ${name})`)
  }
  return found
}

/** The reason printed in the names of tests skipped for want of a program. */
export function skipReason(name: string): string {
  return `skipped: ${name} is not installed (apt-get install ${name}; REQUIRE_MOSQUITTO=1 makes this an error)`
}

/** A spawned program that the test process owns. */
export interface Daemon {
  /** What it printed so far, stdout and stderr together. */
  output(): string
  /** Sends `signal` and waits for the exit (SIGKILL after 5 s); does nothing once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

/**
 * Runs the daemon under a small shell that owns its process group: the daemon is SIGKILLed as soon
 * as the test process goes away (its end of our stdin pipe closes), even when that process was
 * itself SIGKILLed and could run no exit handler. The shell ignores SIGTERM/SIGINT so that a
 * signal to the group reaches the daemon and the shell exits only once the daemon has.
 */
const guard = `exec 3<&0
"$@" <&- &
daemon=$!
( read _ <&3; kill -KILL $daemon 2>/dev/null ) &
watcher=$!
trap '' TERM INT
wait $daemon
status=$?
kill -KILL $watcher 2>/dev/null
exit $status`

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is already gone
  }
}

/** How long {@link Daemon.stop} waits for the daemon to exit before it sends SIGKILL. */
const stopGraceMs = 5_000

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL')
})

/**
 * Spawns `binary` and resolves once every port in `ports` accepts TCP connections; rejects with
 * its output if it exits first. It is killed when the test process exits, whatever happens.
 */
export async function spawnDaemon(binary: string, args: string[], ports: number[]): Promise<Daemon> {
  let output = ''
  const child = spawn('/bin/sh', ['-c', guard, 'guard', binary, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  })
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
  /** Set once every port accepted a connection: from then on they are the daemon's own. */
  let listening = false
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!running.has(child)) return exited
    signalGroup(child, signal)
    // A daemon that does not end on SIGTERM within the grace period is killed: no test hangs on it.
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), stopGraceMs)
    await exited
    clearTimeout(timer)
    // SIGKILL ends the guard shell at once, while the kernel may still be tearing the daemon down
    // with its sockets: resolve once its ports are free, so a restart on them finds them so. (A
    // daemon that failed to start may never have owned them: someone else may listen there.)
    if (listening) await Promise.all(ports.map((port) => waitForPortClosed(port)))
  }
  const failed = exited.then(() => {
    throw new Error(`${binary} exited while starting:\n${output}`)
  })
  failed.catch(() => {})
  try {
    await Promise.race([Promise.all(ports.map((port) => waitForPort(port))), failed])
    listening = true
  } catch (error) {
    await stop('SIGKILL')
    throw error
  }
  return { output: () => output, stop }
}
