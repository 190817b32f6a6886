import { fileURLToPath } from 'node:url'
import { type Daemon, spawnDaemon } from './daemon.js'
import { freePort } from './free-port.js'
import { type RedisServer, startRedis } from './redis.js'

const nodeFile = fileURLToPath(new URL('./aedes-cluster-node.ts', import.meta.url))

/** Options for {@link startAedesCluster}. */
export interface StartAedesClusterOptions {
  /** How many aedes nodes. @default 3 */
  nodes?: number
}

/** One node of an {@link AedesCluster}. */
export interface AedesClusterNode {
  /** Its broker id (`node-0`, `node-1`, ...). */
  readonly id: string
  readonly port: number
  /** `mqtt://127.0.0.1:port` */
  readonly url: string
  /** Whether its process is running. */
  readonly running: boolean
  /** What it printed so far. */
  logs(): string
}

/** aedes nodes, each its own process on its own port, sharing state through one redis-server. */
export interface AedesCluster extends AsyncDisposable {
  readonly nodes: readonly AedesClusterNode[]
  /** Every node's URL, in order: a client's target list. */
  readonly urls: readonly string[]
  readonly redis: RedisServer
  /** SIGKILLs node `n`, as a crash would (no clean disconnect, no will cleanup), and waits for the exit. */
  kill(n: number): Promise<void>
  /** SIGTERMs node `n` and waits for the exit. */
  stop(n: number): Promise<void>
  /** Starts node `n` again on its port (after `kill` or `stop`); waits until it accepts connections. */
  restart(n: number): Promise<void>
  /** Stops every node, then redis. Idempotent. */
  close(): Promise<void>
}

/**
 * Starts a redis-server and `nodes` aedes brokers (each a child process, on 127.0.0.1 and free
 * ports) sharing subscriptions, persistent sessions, queued QoS 1/2 messages and retained messages
 * through it (aedes-persistence-redis and mqemitter-redis). Unlike stock aedes 1.2, a node
 * acknowledges a QoS 1/2 PUBLISH only once it is in Redis (aedes-acknowledge-after-publish.ts), so
 * killing a node loses no publish it acknowledged. Needs Debian's `redis-server`
 * ({@link redisAvailable}). Everything is killed when the test process exits, whatever happens.
 *
 * @example
 * await using cluster = await startAedesCluster({ nodes: 3 })
 * const client = await Client.connect(cluster.urls, { reconnect: true })
 * await cluster.kill(0)
 */
export async function startAedesCluster({ nodes = 3 }: StartAedesClusterOptions = {}): Promise<AedesCluster> {
  const redis = await startRedis()
  const daemons: (Daemon | undefined)[] = []
  const earlier: string[] = []
  const ports: number[] = []
  const start = async (n: number) => {
    const port = ports[n]
    if (port === undefined) throw new RangeError(`no node ${n} in a cluster of ${nodes}`)
    if (daemons[n] !== undefined) return
    const args = ['--import', 'tsx', nodeFile, String(redis.port), String(port), `node-${n}`]
    daemons[n] = await spawnDaemon(process.execPath, args, [port])
  }
  const signal = async (n: number, name: NodeJS.Signals) => {
    const daemon = daemons[n]
    if (daemon === undefined) return
    daemons[n] = undefined
    await daemon.stop(name)
    earlier[n] = (earlier[n] ?? '') + daemon.output()
  }
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      await Promise.all(ports.map((_, n) => signal(n, 'SIGTERM')))
      await redis.close()
    })()
    return closing
  }
  try {
    for (let n = 0; n < nodes; n++) {
      let port = await freePort()
      while (ports.includes(port) || port === redis.port) port = await freePort()
      ports.push(port)
    }
    await Promise.all(ports.map((_, n) => start(n)))
  } catch (error) {
    await close()
    throw error
  }
  const nodeList = ports.map(
    (port, n): AedesClusterNode => ({
      id: `node-${n}`,
      port,
      url: `mqtt://127.0.0.1:${port}`,
      get running() {
        return daemons[n] !== undefined
      },
      logs: () => (earlier[n] ?? '') + (daemons[n]?.output() ?? ''),
    }),
  )
  return {
    nodes: nodeList,
    urls: nodeList.map((node) => node.url),
    redis,
    kill: (n) => signal(n, 'SIGKILL'),
    stop: (n) => signal(n, 'SIGTERM'),
    restart: start,
    close,
    [Symbol.asyncDispose]: close,
  }
}
