import mqtt, { type DoneCallback, type IClientOptions, type MqttClient, type Packet } from 'mqtt'

/**
 * The few places where this library reaches past MQTT.js's public API, gathered in one file so an
 * MQTT.js upgrade has one place to check (test/unit/mqtt-internals.test.ts fails if they disappear):
 * - `_sendPacket`: sends a PUBACK/PUBCOMP that `ack: 'after-processing'` held back;
 * - `_releaseIncomingQoS2Publish`: frees the receive-maximum slot of a held-back QoS 2 message;
 * - `_flush`: on a forced close (keepalive or CONNACK timeout) MQTT.js fails every unacknowledged
 *   publish when `reconnectPeriod` is 0, although its store resends them on the next connection; a
 *   reconnecting session keeps those calls waiting instead (its own timeouts still bound them);
 * - `streamBuilder`, and the fact that `connect()` pipes the stream it builds into a Writable whose
 *   `_write` runs the packet parser (whose errors it re-emits as the client's `error`, before any
 *   packet of that chunk is handled): {@link filterIncoming} checks bytes before the parser does.
 */
interface MqttInternals {
  _sendPacket(packet: Packet, callback?: DoneCallback): void
  _releaseIncomingQoS2Publish?(messageId: number): void
  _flush(): void
  streamBuilder: (client: MqttClient, options?: IClientOptions) => MqttClient['stream']
}

/** The Writable MQTT.js pipes the network stream into (its `_write` parses). */
interface ParsingWritable {
  _write(chunk: Uint8Array, encoding: BufferEncoding, done: (error?: Error | null) => void): void
}

function internals(client: MqttClient): MqttInternals {
  return client as unknown as MqttInternals
}

/** Whether this MQTT.js version still has the internals used here. */
export function hasMqttInternals(client: MqttClient): boolean {
  const inner = internals(client)
  return (
    typeof inner._sendPacket === 'function' &&
    typeof inner._flush === 'function' &&
    typeof inner.streamBuilder === 'function'
  )
}

/** What {@link filterIncoming} asks of its filter, one per network connection. */
export interface IncomingFilter {
  /** The part of `chunk` (just read from the network) MQTT.js may parse: all of it, a prefix, or none. */
  accept(chunk: Uint8Array): Uint8Array
  /** Called after the accepted part of each chunk went to the parser (to act on what `accept` found). */
  parsed(): void
  /** MQTT.js's packet parser failed on accepted bytes (a body it cannot decode). */
  parseError(error: Error): void
}

/**
 * Puts `create()`'s filter between each network stream MQTT.js opens and its packet parser, and
 * tells the filter when the parser fails. Errors the parser emits are told apart from the rest by
 * when they happen: during the parse of a chunk, before the first packet of it is handled.
 */
export function filterIncoming(client: MqttClient, create: () => IncomingFilter): void {
  const inner = internals(client)
  const build = inner.streamBuilder
  let parsing: IncomingFilter | undefined
  inner.streamBuilder = (mqttClient, options) => {
    const stream = build(mqttClient, options)
    const filter = create()
    const pipe = stream.pipe
    stream.pipe = function pipeThroughFilter<T extends NodeJS.WritableStream>(
      destination: T,
      pipeOptions?: { end?: boolean },
    ): T {
      stream.pipe = pipe
      const writable = destination as unknown as ParsingWritable
      const write = writable._write
      writable._write = (chunk, encoding, done) => {
        const accepted = filter.accept(chunk)
        try {
          if (accepted.length === 0) done()
          else {
            parsing = filter
            write.call(writable, accepted, encoding, done)
          }
        } finally {
          // Even when a packet handler threw: what the filter found is acted on.
          parsing = undefined
          filter.parsed()
        }
      }
      return pipe.call(stream, destination, pipeOptions) as T
    }
    return stream
  }
  client.prependListener('packetreceive', () => {
    parsing = undefined
  })
  client.prependListener('error', (error) => {
    const filter = parsing
    parsing = undefined
    filter?.parseError(error)
  })
}

/** Keeps MQTT.js from failing unacknowledged publishes when the connection is cut (see above). */
export function keepPublishesOnForcedClose(client: MqttClient): void {
  internals(client)._flush = () => {}
}

/** Sends a held-back acknowledgement of message `messageId` on the current connection. */
export function sendAcknowledgement(client: MqttClient, qos: 1 | 2, messageId: number): void {
  if (qos === 2) internals(client)._releaseIncomingQoS2Publish?.(messageId)
  const packet = (
    qos === 1 ? { cmd: 'puback', messageId, reasonCode: 0 } : { cmd: 'pubcomp', messageId }
  ) as Packet
  internals(client)._sendPacket(packet)
}

/** Frees the receive-maximum slot of a QoS 2 message whose PUBCOMP will never be sent on this connection. */
export function releaseIncomingQoS2(client: MqttClient, messageId: number): void {
  internals(client)._releaseIncomingQoS2Publish?.(messageId)
}

type StoreCallback = Parameters<mqtt.Store['del']>[1]

/** What a {@link ResendStore} tells its watcher (the resend guard). */
export interface ResendStoreWatcher {
  /**
   * A packet was stored: the copy of a QoS 1/2 PUBLISH (the very object MQTT.js resends), or the
   * PUBREL replacing it once PUBREC arrived.
   */
  stored(packet: Packet): void
  /** The packet with this identifier left the store (acknowledged or given up). */
  removed(messageId: number): void
  /** A CONNACK arrived and MQTT.js is about to resend what the store holds. */
  resending(): void
}

/**
 * MQTT.js's in-memory outgoing store, storing every QoS 1/2 PUBLISH with the DUP flag set: the
 * stored copy is only ever sent again (after a reconnection), and a resent PUBLISH must carry DUP
 * (MQTT 3.1.1 §3.3.1.1, MQTT 5 §3.3.1.1). The first transmission uses the caller's packet, unflagged.
 * Relies on MQTT.js calling `createStream()` once per CONNACK, just before it resends the store
 * one packet at a time (each after the previous one was acknowledged).
 */
export class ResendStore extends mqtt.Store {
  readonly #watcher: ResendStoreWatcher | undefined

  constructor(watcher?: ResendStoreWatcher) {
    super()
    this.#watcher = watcher
  }

  override put(packet: Packet, callback: DoneCallback): this {
    const stored = packet.cmd === 'publish' ? { ...packet, dup: true } : packet
    this.#watcher?.stored(stored)
    return super.put(stored, callback)
  }

  override del(packet: Pick<Packet, 'messageId'>, callback: StoreCallback): this {
    if (packet.messageId !== undefined) this.#watcher?.removed(packet.messageId)
    return super.del(packet, callback)
  }

  override createStream(): ReturnType<mqtt.Store['createStream']> {
    this.#watcher?.resending()
    return super.createStream()
  }
}

/**
 * Fails an unacknowledged QoS 1/2 publish with `error` and forgets it: out of the outgoing store
 * (never resent), its packet identifier freed. Goes through MQTT.js's `removeOutgoingMessage`, which
 * calls the callback registered in `outgoing[messageId]`; that callback is swapped for one passing
 * `error` on, since MQTT.js would pass a plain `Error('Message removed')`.
 */
export function abandonOutgoing(client: MqttClient, messageId: number, error: Error): void {
  const entry = client.outgoing[messageId]
  if (entry === undefined) {
    client.outgoingStore.del({ messageId } as Packet, () => {})
    return
  }
  const callback = entry.cb
  entry.cb = () => callback(error)
  client.removeOutgoingMessage(messageId)
}
