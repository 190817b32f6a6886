import mqtt, {
  type DoneCallback,
  type IClientOptions,
  type IPublishPacket,
  type MqttClient,
  type Packet,
  type PacketCallback,
} from 'mqtt'
import { MqttConnectError } from '../errors/errors.js'
import { Slot } from '../helpers/slot.js'

/**
 * The few places where this library reaches past MQTT.js's public API, gathered in one file so an
 * MQTT.js upgrade has one place to check (test/unit/mqtt-internals.test.ts fails if they disappear):
 * - `_sendPacket`: sends a PUBACK/PUBREC that `ack: 'after-processing'` held back, and is wrapped
 *   to keep MQTT.js from sending a PUBREC that is held back ({@link skipHeldPubrecs});
 * - `_releaseIncomingQoS2Publish`: frees the receive-maximum slot of a QoS 2 message once its PUBREL
 *   came (MQTT.js does it only for the messages it delivers itself);
 * - `options.customHandleAcks`, set after construction (MQTT.js only takes it from the options under
 *   MQTT 5, but calls it under every version): the one place MQTT.js hands over a QoS 2 PUBLISH
 *   when it arrives, with its topic alias resolved ({@link interceptQoS2Publish});
 * - `options.incomingStore`, also read again by MQTT.js when it builds a new store: kept with the
 *   store set on the client ({@link useIncomingStore}).
 * - `_flush`: on a forced close (keepalive or CONNACK timeout) MQTT.js fails every unacknowledged
 *   publish when `reconnectPeriod` is 0, although its store resends them on the next connection; a
 *   reconnecting session keeps those calls waiting instead (its own timeouts still bound them);
 * - `streamBuilder`, and the fact that `connect()` pipes the stream it builds into a Writable whose
 *   `_write` runs the packet parser (whose errors it re-emits as the client's `error`, before any
 *   packet of that chunk is handled): {@link filterIncoming} checks bytes before the parser does.
 * - `options.username/password/protocol/hostname/port/path`, read again on every `connect()`:
 *   {@link pointAt} moves a client to another broker of a list, its stores kept;
 * - `_sendPacket` again, to send an AUTH packet of our own (re-authentication, {@link sendAuth}):
 *   MQTT.js has no public way to, but writes AUTH packets as they are;
 * - `handleAuth`, a public method replaced per client ({@link onHandleAuth}), as `handleMessage` is.
 */
/** What MQTT.js passes to the ack handler: call back with a reason code (0: go on as usual). */
type AckCallback = (error: Error | number | null, code?: number) => void
/** An AUTH packet, as MQTT.js (mqtt-packet) types it. */
export type IAuthPacket = Parameters<MqttClient['handleAuth']>[0]
type AckHandler = (topic: string, payload: Buffer, packet: IPublishPacket, callback: AckCallback) => void

interface MqttInternals {
  _sendPacket(packet: Packet, callback?: DoneCallback, ...rest: unknown[]): void
  _releaseIncomingQoS2Publish?(messageId: number): void
  _flush(): void
  streamBuilder: (client: MqttClient, options?: IClientOptions) => MqttClient['stream']
  options: { customHandleAcks?: AckHandler; incomingStore?: mqtt.Store }
}

/** The Writable MQTT.js pipes the network stream into (its `_write` parses). */
interface ParsingWritable {
  _write(chunk: Uint8Array, encoding: BufferEncoding, done: (error?: Error | null) => void): void
}

function internals(client: MqttClient): MqttInternals {
  return client as unknown as MqttInternals
}

/** The internals this file uses, by name, with whether the MQTT.js client at hand has each. */
function missingInternals(client: MqttClient): string[] {
  const inner = internals(client) as unknown as Record<string, unknown>
  const methods = ['_sendPacket', '_flush', 'streamBuilder', 'handleMessage', 'removeOutgoingMessage']
  const missing = methods.filter((name) => typeof inner[name] !== 'function')
  if (typeof inner.options !== 'object' || inner.options === null) missing.push('options')
  if (typeof inner.outgoing !== 'object' || inner.outgoing === null) missing.push('outgoing')
  return missing
}

/** Whether this MQTT.js version still has the internals used here. */
export function hasMqttInternals(client: MqttClient): boolean {
  return missingInternals(client).length === 0
}

/**
 * Checked on every MQTT.js client before it connects: an MQTT.js that lost one of the internals
 * this library relies on fails the connect with a clear error instead of silently changing
 * behaviour (acknowledgements, resends, the packet guard).
 * @throws {@link MqttConnectError} with failure `'incompatible-mqtt'`.
 */
export function assertMqttInternals(client: MqttClient): void {
  const missing = missingInternals(client)
  if (missing.length === 0) return
  throw new MqttConnectError(
    `this MQTT.js version lacks what @await-mqtt/core relies on (${missing.join(', ')}); install the mqtt version the package depends on (~5.16.0)`,
    'incompatible-mqtt',
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

/** Makes the {@link IncomingFilter} of each network connection (an object: no closure per client). */
export interface IncomingFilterSource {
  createIncomingFilter(): IncomingFilter
}

/**
 * What is called right after {@link filterIncoming}'s own listeners, from them: one listener per
 * event on the client, not two (`this` is the MQTT.js client). One object for all clients.
 */
export interface AfterFilter {
  packetreceive(this: MqttClient, packet: Packet): void
  error(this: MqttClient, error: Error): void
}

/**
 * Puts `source`'s filter between each network stream MQTT.js opens and its packet parser, and
 * tells the filter when the parser fails. Errors the parser emits are told apart from the rest by
 * when they happen: during the parse of a chunk, before the first packet of it is handled. Its
 * listeners come first, then call `after`'s.
 */
export function filterIncoming(client: MqttClient, source: IncomingFilterSource, after?: AfterFilter): void {
  const inner = internals(client)
  const state = stateOf(client)
  state.build = inner.streamBuilder
  state.source = source
  state.after = after
  inner.streamBuilder = filteredStreamBuilder
  client.prependListener('packetreceive', packetParsed)
  client.prependListener('error', errorWhileParsing)
}

/** The parsing Writable of one network connection: its own `_write`, and the filter before it. */
interface FilteredWrite {
  write: ParsingWritable['_write']
  filter: IncomingFilter
  state: ClientState
}

/**
 * What this library keeps on an MQTT.js client: one slot (one property) for all of it, since the
 * client is a dictionary-mode object whose table doubles when it fills up; one flat object, not one
 * per concern, since every client of the process has one. The functions set on the client are
 * shared by all clients and find their client's state here.
 */
interface ClientState {
  /** Whoever drives the client (the Connection): see {@link setOwner}. */
  owner: unknown
  /** MQTT.js's own stream builder ({@link filterIncoming}). */
  build: MqttInternals['streamBuilder'] | undefined
  /** Makes the filter of each network connection ({@link filterIncoming}). */
  source: IncomingFilterSource | undefined
  /** The filter whose accepted bytes the parser is parsing right now. */
  parsing: IncomingFilter | undefined
  /** Called from {@link filterIncoming}'s listeners after their own work. */
  after: AfterFilter | undefined
  /** MQTT.js's own `_sendPacket` ({@link skipHeldPubrecs}). */
  send: MqttInternals['_sendPacket'] | undefined
  /** Who is told of QoS 2 publishes and holds PUBRECs back ({@link interceptQoS2Publish}, {@link skipHeldPubrecs}). */
  reception: QoS2Reception | undefined
  /** The ack handler set before {@link interceptQoS2Publish}'s, for QoS 1. */
  previousAck: AckHandler | undefined
}

const clientStates = new Slot<MqttClient, ClientState>('await-mqtt')

function stateOf(client: MqttClient): ClientState {
  let state = clientStates.get(client)
  if (state === undefined) {
    // A literal with every field: its shape is fixed at once.
    state = {
      owner: undefined,
      build: undefined,
      source: undefined,
      parsing: undefined,
      after: undefined,
      send: undefined,
      reception: undefined,
      previousAck: undefined,
    }
    clientStates.set(client, state)
  }
  return state
}

/** Remembers who drives `client`, for listeners shared by all clients (called with the client as `this`). */
export function setOwner(client: MqttClient, owner: unknown): void {
  stateOf(client).owner = owner
}

/** What {@link setOwner} remembered. */
export function ownerOf(client: MqttClient): unknown {
  return clientStates.get(client)?.owner
}

const filteredWrites = new Slot<ParsingWritable, FilteredWrite>('await-mqtt filtered write')

/** MQTT.js's stream builder, called as `client.streamBuilder(client)`, with the filter put in front of its parser. */
function filteredStreamBuilder(mqttClient: MqttClient, options?: IClientOptions): MqttClient['stream'] {
  const state = clientStates.get(mqttClient) as ClientState
  const build = state.build as MqttInternals['streamBuilder']
  const stream = build.call(mqttClient, mqttClient, options)
  const filter = (state.source as IncomingFilterSource).createIncomingFilter()
  const pipe = stream.pipe
  stream.pipe = function pipeThroughFilter<T extends NodeJS.WritableStream>(
    destination: T,
    pipeOptions?: { end?: boolean },
  ): T {
    stream.pipe = pipe
    const writable = destination as unknown as ParsingWritable
    filteredWrites.set(writable, { write: writable._write, filter, state })
    writable._write = filteredWrite
    return pipe.call(stream, destination, pipeOptions) as T
  }
  return stream
}

/** The parsing Writable's `_write` (called on it as a method): the filter first, then the parser. */
function filteredWrite(
  this: ParsingWritable,
  chunk: Uint8Array,
  encoding: BufferEncoding,
  done: (error?: Error | null) => void,
): void {
  const { write, filter, state } = filteredWrites.get(this) as FilteredWrite
  const accepted = filter.accept(chunk)
  try {
    if (accepted.length === 0) done()
    else {
      state.parsing = filter
      write.call(this, accepted, encoding, done)
    }
  } finally {
    // Even when a packet handler threw: what the filter found is acted on.
    state.parsing = undefined
    filter.parsed()
  }
}

/** A packet was parsed and is being handled: errors from now on are not the parser's. */
function packetParsed(this: MqttClient, packet: Packet): void {
  const state = clientStates.get(this)
  if (state === undefined) return
  state.parsing = undefined
  state.after?.packetreceive.call(this, packet)
}

function errorWhileParsing(this: MqttClient, error: Error): void {
  const state = clientStates.get(this)
  if (state === undefined) return
  const filter = state.parsing
  if (filter !== undefined) {
    state.parsing = undefined
    filter.parseError(error)
  }
  state.after?.error.call(this, error)
}

/** Keeps MQTT.js from failing unacknowledged publishes when the connection is cut (see above). */
export function keepPublishesOnForcedClose(client: MqttClient): void {
  internals(client)._flush = () => {}
}

/** Sends a held-back acknowledgement of message `messageId` (PUBACK or PUBREC) on the current connection. */
export function sendAcknowledgement(client: MqttClient, qos: 1 | 2, messageId: number, reasonCode = 0): void {
  const packet = (
    qos === 1 ? { cmd: 'puback', messageId, reasonCode } : { cmd: 'pubrec', messageId, reasonCode }
  ) as Packet
  internals(client)._sendPacket(packet)
}

/** Frees the receive-maximum slot of a QoS 2 message (its PUBREL came). */
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

/** What {@link interceptQoS2Publish} and {@link skipHeldPubrecs} are given (an object: no closures per client). */
export interface QoS2Reception {
  /** A QoS 2 PUBLISH arrived, its topic alias resolved (`topic`), before MQTT.js stores it and sends PUBREC. */
  publishArrived(topic: string, payload: Buffer, packet: IPublishPacket): void
  /** Whether the PUBREC of `messageId` is held back (sent later, once the message is processed). */
  pubrecHeld(messageId: number): boolean
}

/** The client's state, by its options object (MQTT.js calls `options.customHandleAcks(...)` on it). */
const interceptions = new Slot<object, ClientState>('await-mqtt QoS 2 interception')

/**
 * Calls `reception.publishArrived` with each QoS 2 PUBLISH as it arrives, its topic alias resolved
 * (`topic`; the packet's own topic is empty when the broker sent an alias alone), before MQTT.js
 * stores it and sends PUBREC. QoS 1 goes on as before.
 */
export function interceptQoS2Publish(client: MqttClient, reception: QoS2Reception): void {
  const options = internals(client).options
  const state = stateOf(client)
  state.reception = reception
  state.previousAck = options.customHandleAcks
  interceptions.set(options, state)
  options.customHandleAcks = interceptedAck
}

function interceptedAck(
  this: object,
  topic: string,
  payload: Buffer,
  packet: IPublishPacket,
  callback: AckCallback,
): void {
  const state = interceptions.get(this)
  const reception = state?.reception
  if (packet.qos !== 2 || reception === undefined) {
    if (state?.previousAck) state.previousAck(topic, payload, packet, callback)
    else callback(null, 0)
    return
  }
  reception.publishArrived(topic, payload, packet)
  callback(null, 0)
}

/**
 * Keeps MQTT.js from sending the PUBREC of a message for which `reception.pubrecHeld` says yes (its
 * acknowledgement waits until it is processed); MQTT.js goes on with the next packet as if it were sent.
 */
export function skipHeldPubrecs(client: MqttClient, reception: QoS2Reception): void {
  const inner = internals(client)
  const state = stateOf(client)
  state.send = inner._sendPacket
  state.reception = reception
  inner._sendPacket = sendUnlessHeld
}

function sendUnlessHeld(this: MqttClient, packet: Packet, callback?: DoneCallback, ...rest: unknown[]): void {
  const state = clientStates.get(this) as ClientState
  if (
    packet.cmd === 'pubrec' &&
    packet.messageId !== undefined &&
    state.reception?.pubrecHeld(packet.messageId) === true
  ) {
    callback?.()
    return
  }
  ;(state.send as MqttInternals['_sendPacket']).call(this, packet, callback, ...rest)
}

/** Makes `store` MQTT.js's store of received QoS 2 messages, now and whenever MQTT.js makes a new one. */
export function useIncomingStore(client: MqttClient, store: mqtt.Store): void {
  client.incomingStore = store
  internals(client).options.incomingStore = store
}

/**
 * An incoming store that keeps nothing: the QoS 2 messages are delivered on PUBLISH (see
 * incoming-qos2.ts), so MQTT.js finds none to deliver on PUBREL and only answers with PUBCOMP.
 */
export class NoIncomingStore extends mqtt.Store {
  override put(_packet: Packet, callback: DoneCallback): this {
    callback()
    return this
  }

  override get(_packet: Pick<Packet, 'messageId'>, callback: PacketCallback): this {
    callback(new Error('not stored: delivered on PUBLISH'))
    return this
  }
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

/** What MQTT.js calls once per received QoS 0/1 PUBLISH, after emitting `message` for it. */
export type HandleMessage = (packet: IPublishPacket, callback: DoneCallback) => void

/**
 * Replaces MQTT.js's `handleMessage` hook, which it calls for each QoS 1 PUBLISH right after its
 * `message` event (the order test/unit/mqtt-internals.test.ts checks) and acknowledges once the
 * callback is called without an error.
 */
export function onHandleMessage(client: MqttClient, handler: HandleMessage): void {
  client.handleMessage = handler
}

/**
 * Swaps the outgoing store of a client that has not connected yet for `store`, and keeps MQTT.js
 * from failing unacknowledged publishes on a forced close (see {@link keepPublishesOnForcedClose}):
 * a reconnecting session resends them instead.
 */
export function useResendStore(client: MqttClient, store: ResendStore): void {
  client.outgoingStore = store
  keepPublishesOnForcedClose(client)
}

const serverFields = ['protocol', 'hostname', 'port', 'path', 'username', 'password'] as const

/** Where {@link pointAt} sends an MQTT.js client's next connection. */
export interface MqttServerFields {
  protocol?: IClientOptions['protocol']
  hostname?: string
  port?: number
  /** WebSocket path. */
  path?: string
  username?: string
  password?: IClientOptions['password']
}

/**
 * Points an MQTT.js client at another broker for its next `connect()`, keeping its stores (the
 * unacknowledged QoS 1/2 publishes are resent there). MQTT.js reads `options.username` and
 * `options.password` when it writes CONNECT, and its WebSocket transport builds its URL from
 * `options.protocol/hostname/port/path`, each time it connects: `options` is the object its own
 * `servers` failover rewrites the same way.
 */
export function pointAt(client: MqttClient, server: MqttServerFields): void {
  const options = client.options as Record<string, unknown>
  for (const key of serverFields) if (key in server) options[key] = server[key]
  if (server.hostname !== undefined) options.host = server.hostname
}

/**
 * Replaces MQTT.js's `handleAuth` hook, which it calls for each AUTH packet from the broker whose
 * method matches the CONNECT's (MQTT 5 only): call back with an AUTH packet to send it (reason
 * 0x18), with nothing (reason 0x00), or with an error to close the connection and emit it.
 */
export function onHandleAuth(
  client: MqttClient,
  handler: (packet: IAuthPacket, callback: PacketCallback) => void,
): void {
  client.handleAuth = handler
}

/** Writes an AUTH packet (re-authentication, MQTT 5 section 4.12.1) on the current connection. */
export function sendAuth(client: MqttClient, packet: IAuthPacket): void {
  internals(client)._sendPacket(packet)
}
