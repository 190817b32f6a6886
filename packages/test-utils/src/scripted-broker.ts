import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import mqttPacket, { type IConnackPacket, type IConnectPacket, type Packet } from 'mqtt-packet'

/** Options for {@link startScriptedBroker}. */
export interface StartScriptedBrokerOptions {
  /**
   * How to answer CONNECT: a CONNACK to send (merged over a successful one: return code 0 under
   * 3.1.1, reason code 0 under 5), or `false` to leave CONNECT unanswered for the test to answer.
   * A function picks per connection (the n-th connection counts from 0).
   * @default a successful CONNACK, session not present
   */
  connack?:
    | Partial<IConnackPacket>
    | false
    | ((connect: IConnectPacket, n: number) => Partial<IConnackPacket> | false)
  /** Answer PINGREQ with PINGRESP. @default true */
  pingresp?: boolean
  /**
   * Answer SUBSCRIBE (granting the QoS asked), UNSUBSCRIBE, QoS 1 PUBLISH (PUBACK), QoS 2
   * PUBLISH (PUBREC) and PUBREL (PUBCOMP) as a broker would. @default true
   */
  autoAck?: boolean
}

/** One client's network connection to a {@link ScriptedBroker}. */
export interface ScriptedConnection {
  /** The client's CONNECT. */
  readonly connect: IConnectPacket
  /** The protocol version the client spoke in CONNECT. */
  readonly protocolVersion: 3 | 4 | 5
  readonly socket: Socket
  /** Every packet received from the client so far (CONNECT included), in order. */
  readonly received: readonly Packet[]
  /**
   * The next packet received (of `cmd`, when given) that no earlier call took; rejects after
   * `timeout` ms, naming what did arrive.
   */
  next(cmd?: Packet['cmd'], timeout?: number): Promise<Packet>
  /** Encodes a packet in the connection's protocol version and writes it. */
  send(packet: Packet): void
  /** Writes bytes as they are: malformed packets, several packets in one TCP segment. */
  sendRaw(bytes: Uint8Array): void
  /** Encodes a packet for this connection without writing it (to glue several into one write). */
  encode(packet: Packet): Buffer
  /** Resolves once the client closed the connection (or it was destroyed). */
  readonly closed: Promise<void>
  /** Whether the socket is closed. */
  readonly isClosed: boolean
  /** Closes the socket at once (no DISCONNECT). */
  destroy(): void
}

/** A TCP server speaking MQTT by script: for what no real broker sends (malformed or hostile packets). */
export interface ScriptedBroker extends AsyncDisposable {
  readonly host: string
  readonly port: number
  /** `mqtt://127.0.0.1:port` */
  readonly url: string
  /** Every connection so far, in order. */
  readonly connections: readonly ScriptedConnection[]
  /** The `n`-th connection (from 0) once its CONNECT arrived; rejects after `timeout` ms. */
  connection(n?: number, timeout?: number): Promise<ScriptedConnection>
  /** Closes every connection and the server. Idempotent. */
  close(): Promise<void>
}

interface Waiter {
  readonly cmd: Packet['cmd'] | undefined
  readonly resolve: (packet: Packet) => void
}

function defaultConnack(protocolVersion: number): IConnackPacket {
  return protocolVersion === 5
    ? { cmd: 'connack', sessionPresent: false, reasonCode: 0 }
    : { cmd: 'connack', sessionPresent: false, returnCode: 0 }
}

function autoAnswer(packet: Packet): Packet | undefined {
  switch (packet.cmd) {
    case 'subscribe':
      return {
        cmd: 'suback',
        messageId: packet.messageId,
        granted: packet.subscriptions.map((subscription) => subscription.qos),
      }
    case 'unsubscribe':
      return { cmd: 'unsuback', messageId: packet.messageId, granted: packet.unsubscriptions.map(() => 0) }
    case 'publish':
      if (packet.qos === 1) return { cmd: 'puback', messageId: packet.messageId }
      if (packet.qos === 2) return { cmd: 'pubrec', messageId: packet.messageId }
      return undefined
    case 'pubrel':
      return { cmd: 'pubcomp', messageId: packet.messageId }
    default:
      return undefined
  }
}

/**
 * Starts a scripted MQTT broker on 127.0.0.1 and a free port: it parses what clients send with
 * mqtt-packet, answers CONNECT, PINGREQ and acknowledgements as configured, and lets the test send
 * anything else, valid or not. It keeps no sessions and routes nothing: real behaviour is tested on
 * real brokers; this one reaches the corners they never show.
 *
 * @example
 * await using broker = await startScriptedBroker({ connack: { properties: { maximumPacketSize: 100 } } })
 * const client = await Client.connect(broker.url)
 * const connection = await broker.connection()
 * connection.sendRaw(Buffer.from([0x40, 0x02, 0x00])) // a truncated PUBACK
 */
export async function startScriptedBroker(options: StartScriptedBrokerOptions = {}): Promise<ScriptedBroker> {
  const { pingresp = true, autoAck = true } = options
  const connections: ScriptedConnection[] = []
  const sockets = new Set<Socket>()
  const connectionWaiters: Array<() => void> = []
  let closing: Promise<void> | undefined

  const accept = (socket: Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    // CONNECT is parsed as MQTT 5 or 3.1.1 by its own protocol level; later packets by that level.
    let parser = mqttPacket.parser({ protocolVersion: 5 })
    let connection: (ScriptedConnection & { deliver(packet: Packet): void }) | undefined
    const onPacket = (packet: Packet) => {
      if (connection === undefined) {
        if (packet.cmd !== 'connect') {
          socket.destroy()
          return
        }
        connection = createConnection(socket, packet, connections.length)
        const protocolVersion = connection.protocolVersion
        parser.removeAllListeners()
        parser = mqttPacket.parser({ protocolVersion })
        parser.on('packet', onPacket)
        parser.on('error', () => socket.destroy())
        connections.push(connection)
        const connack =
          typeof options.connack === 'function'
            ? options.connack(packet, connections.length - 1)
            : options.connack
        if (connack !== false) {
          connection.send({ ...defaultConnack(protocolVersion), ...connack } as IConnackPacket)
        }
        for (const wake of connectionWaiters.splice(0)) wake()
        return
      }
      connection.deliver(packet)
      if (packet.cmd === 'pingreq' && pingresp) connection.send({ cmd: 'pingresp' })
      if (autoAck) {
        const answer = autoAnswer(packet)
        if (answer) connection.send(answer)
      }
    }
    parser.on('packet', onPacket)
    parser.on('error', () => socket.destroy())
    socket.on('data', (chunk) => parser.parse(chunk))
  }

  const createConnection = (
    socket: Socket,
    connect: IConnectPacket,
    _index: number,
  ): ScriptedConnection & { deliver(packet: Packet): void } => {
    const protocolVersion = (connect.protocolVersion ?? 4) as 3 | 4 | 5
    const received: Packet[] = [connect]
    const unread: Packet[] = []
    const waiters: Waiter[] = []
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    const encode = (packet: Packet) => mqttPacket.generate(packet, { protocolVersion })
    return {
      connect,
      protocolVersion,
      socket,
      received,
      closed,
      get isClosed() {
        return socket.destroyed
      },
      deliver(packet) {
        received.push(packet)
        const index = waiters.findIndex((waiter) => waiter.cmd === undefined || waiter.cmd === packet.cmd)
        const waiter = index === -1 ? undefined : waiters.splice(index, 1)[0]
        if (waiter) waiter.resolve(packet)
        else unread.push(packet)
      },
      next(cmd, timeout = 5_000) {
        const index = unread.findIndex((packet) => cmd === undefined || packet.cmd === cmd)
        const found = index === -1 ? undefined : unread.splice(index, 1)[0]
        if (found) return Promise.resolve(found)
        return new Promise<Packet>((resolve, reject) => {
          const waiter: Waiter = {
            cmd,
            resolve: (packet) => {
              clearTimeout(timer)
              resolve(packet)
            },
          }
          const timer = setTimeout(() => {
            waiters.splice(waiters.indexOf(waiter), 1)
            const seen = received.map((packet) => packet.cmd).join(', ')
            reject(
              new Error(`no ${cmd ?? 'packet'} from the client within ${timeout} ms (received: ${seen})`),
            )
          }, timeout)
          waiters.push(waiter)
        })
      },
      send(packet) {
        if (!socket.destroyed) socket.write(encode(packet))
      },
      sendRaw(bytes) {
        if (!socket.destroyed) socket.write(bytes)
      },
      encode,
      destroy() {
        socket.destroy()
      },
    }
  }

  const server: Server = createServer(accept)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the scripted broker has no port')
  const host = '127.0.0.1'
  const port = address.port

  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    })()
    return closing
  }

  return {
    host,
    port,
    url: `mqtt://${host}:${port}`,
    connections,
    async connection(n = 0, timeout = 5_000) {
      const deadline = Date.now() + timeout
      while (connections[n] === undefined) {
        const left = deadline - Date.now()
        if (left <= 0)
          throw new Error(`no connection #${n} within ${timeout} ms (${connections.length} so far)`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          connectionWaiters.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      return connections[n] as ScriptedConnection
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
