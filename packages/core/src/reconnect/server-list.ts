import { authority } from '../helpers/host.js'
import type { Logger } from '../options/client-options.js'
import type { ResolvedOptions, ResolvedServer } from '../options/resolved-options.js'

/** An MQTT 5 "use another server" (0x9C) or "server moved" (0x9D), from a CONNACK or a DISCONNECT. */
export interface ServerRedirect {
  reasonCode: number
  /** The Server Reference property, if the broker sent one. */
  serverReference: string | undefined
}

/** Reason codes that carry a Server Reference (MQTT 5 §4.11). */
export const redirectCodes: ReadonlySet<number> = new Set([0x9c, 0x9d])

/** `host`, `host:port`, `[v6]:port` or a URL: the first reference of a space-separated list. */
export function parseServerReference(
  reference: string,
): { hostname: string; port: number | undefined } | undefined {
  const first = reference.trim().split(/\s+/)[0] ?? ''
  if (first === '') return undefined
  let hostname: string
  let port: string | undefined
  if (first.includes('://')) {
    try {
      const url = new URL(first)
      hostname = url.hostname.replace(/^\[|\]$/g, '')
      port = url.port === '' ? undefined : url.port
    } catch {
      return undefined
    }
  } else {
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s/:[\]]+))(?::(\d{1,5}))?$/.exec(first)
    if (match === null) return undefined
    hostname = match[1] ?? match[2] ?? ''
    port = match[3]
  }
  const portNumber = port === undefined ? undefined : Number(port)
  if (hostname === '' || (portNumber !== undefined && (portNumber < 1 || portNumber > 0xffff)))
    return undefined
  return { hostname, port: portNumber }
}

/** `from`, moved to another host (and port): same transport, TLS settings, proxy and credentials. */
function movedTo(from: ResolvedServer, hostname: string, port: number): ResolvedServer {
  const { target } = from
  const tls =
    target.tls === undefined
      ? undefined
      : // SNI followed the old host name unless the user set it: it follows the new one.
        {
          ...target.tls,
          servername: target.tls.servername === target.hostname ? hostname : target.tls.servername,
        }
  const scheme = from.address.slice(0, from.address.indexOf('://'))
  const path = target.transport === 'websockets' ? target.websocketPath : ''
  return {
    address: `${scheme}://${authority(hostname, port)}${path}`,
    target: { ...target, hostname, port, tls },
    mqtt: { ...from.mqtt, hostname, port },
  }
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const a = copy[i] as T
    copy[i] = copy[j] as T
    copy[j] = a
  }
  return copy
}

/** The lists of one broker that never change, by the (shared) list of servers they were made from. */
const unchanging = new WeakMap<readonly ResolvedServer[], ServerList>()

/**
 * The brokers a client may use, and which one is next: the list given to `Client.connect` (in
 * order, or shuffled once), taken in turn after each failed attempt or lost connection, and the
 * server an MQTT 5 redirect points to when `failover.followRedirects` allows it. Redirects are
 * followed at most `maxRedirects` in a row; a connection that stays up for `timeout` ms ends the row.
 */
export class ServerList {
  readonly #servers: readonly ResolvedServer[]
  readonly #follow: boolean
  readonly #maxRedirects: number
  readonly #settledAfter: number
  readonly #logger: Logger | undefined
  #index = 0
  #redirected: ResolvedServer | undefined
  #redirectsInRow = 0
  #connectedAt: number | undefined

  constructor(options: ResolvedOptions, random: () => number = Math.random) {
    this.#servers = options.failover.shuffle ? shuffled(options.servers, random) : options.servers
    this.#follow = options.failover.followRedirects
    this.#maxRedirects = options.failover.maxRedirects
    this.#settledAfter = options.timeout
    this.#logger = options.logger
  }

  /**
   * The list of a client: one list shared by every client of the same single broker that does not
   * follow redirects (such a list never changes: {@link advance} and {@link connected} leave it as
   * it is), a list of its own otherwise.
   */
  static of(options: ResolvedOptions): ServerList {
    if (options.servers.length !== 1 || options.failover.followRedirects) return new ServerList(options)
    let list = unchanging.get(options.servers)
    if (list === undefined) {
      list = new ServerList(options)
      unchanging.set(options.servers, list)
    }
    return list
  }

  /** How many brokers the list holds. */
  get size(): number {
    return this.#servers.length
  }

  /** The broker to connect to (or connected to). */
  get current(): ResolvedServer {
    return this.#redirected ?? (this.#servers[this.#index] as ResolvedServer)
  }

  /** Moves on to the next broker of the list (a redirect target is left for the list). */
  advance(): ResolvedServer {
    this.#redirected = undefined
    this.#index = (this.#index + 1) % this.#servers.length
    return this.current
  }

  /**
   * A broker answered with a redirect: whether it is followed (then {@link current} is where it
   * points). Not followed when `followRedirects` is off, the reference is missing or unreadable,
   * or `maxRedirects` redirects were followed in a row.
   */
  follow(redirect: ServerRedirect | undefined): boolean {
    if (redirect === undefined || !this.#follow) return false
    this.#endRowIfSettled()
    const from = this.current
    const reference =
      redirect.serverReference === undefined ? undefined : parseServerReference(redirect.serverReference)
    if (reference === undefined || this.#redirectsInRow >= this.#maxRedirects) {
      this.#logger?.warn(
        { address: from.address, reasonCode: redirect.reasonCode, redirectsInRow: this.#redirectsInRow },
        reference === undefined
          ? 'mqtt broker redirected without a usable server reference; not followed'
          : 'mqtt broker redirected once more than failover.maxRedirects allows; not followed',
      )
      return false
    }
    this.#redirectsInRow++
    this.#redirected = movedTo(from, reference.hostname, reference.port ?? from.target.port)
    this.#logger?.info(
      { from: from.address, to: this.#redirected.address, reasonCode: redirect.reasonCode },
      'mqtt following the broker to another server',
    )
    return true
  }

  /** Connected to {@link current}. */
  connected(now = Date.now()): void {
    // Only a row of redirects reads it.
    if (this.#follow) this.#connectedAt = now
  }

  /** The connection went down: a row of redirects ends if it had stayed up long enough. */
  #endRowIfSettled(now = Date.now()): void {
    if (this.#connectedAt !== undefined && now - this.#connectedAt >= this.#settledAfter)
      this.#redirectsInRow = 0
    this.#connectedAt = undefined
  }
}
