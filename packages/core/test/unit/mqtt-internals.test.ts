import { Duplex } from 'node:stream'
import mqtt, { type IPublishPacket, type MqttClient, type Packet } from 'mqtt'
import { describe, expect, it } from 'vitest'
import { createMqttClient } from '../../src/mqttjs/create-mqtt-client.js'
import {
  type AfterFilter,
  abandonOutgoing,
  filterIncoming,
  hasMqttInternals,
  type IncomingFilter,
  interceptQoS2Publish,
  keepPublishesOnForcedClose,
  NoIncomingStore,
  pointAt,
  ResendStore,
  type ResendStoreWatcher,
  releaseIncomingQoS2,
  sendAcknowledgement,
  skipHeldPubrecs,
  useIncomingStore,
} from '../../src/mqttjs/mqtt-internals.js'
import { resolveOptions } from '../../src/options/resolve-options.js'

// The MQTT.js internals src/mqttjs/mqtt-internals.ts relies on: this fails first when an upgrade moves them.
describe('MQTT.js internals used by reconnect and ack: after-processing', () => {
  it('are still there', () => {
    const client = createMqttClient(resolveOptions('mqtt://127.0.0.1:1'))
    expect(hasMqttInternals(client)).toBe(true)
    const inner = client as unknown as Record<string, unknown>
    expect(typeof inner._releaseIncomingQoS2Publish).toBe('function')
    expect(typeof inner.streamBuilder).toBe('function')
    expect(typeof client.handleMessage).toBe('function')
    keepPublishesOnForcedClose(client)
    expect(() => (inner._flush as () => void)()).not.toThrow()
    // never connected (manualConnect): nothing to close
  })

  it('ResendStore keeps PUBLISH packets with DUP set (only resends come from the store), others as they are', async () => {
    const store = new ResendStore()
    expect(store).toBeInstanceOf(mqtt.Store)
    const publish = {
      cmd: 'publish',
      topic: 'a',
      payload: 'x',
      qos: 1,
      dup: false,
      retain: false,
      messageId: 7,
    } as const
    await new Promise<void>((resolve) => store.put(publish, () => resolve()))
    expect(publish.dup).toBe(false) // the caller's packet (first transmission) is untouched
    const stored = await new Promise((resolve) =>
      store.get({ messageId: 7 }, (_error, packet) => resolve(packet)),
    )
    expect(stored).toMatchObject({ messageId: 7, dup: true })
    const pubrel = { cmd: 'pubrel', messageId: 7 } as const
    await new Promise<void>((resolve) => store.put(pubrel, () => resolve()))
    const replaced = await new Promise((resolve) =>
      store.get({ messageId: 7 }, (_error, packet) => resolve(packet)),
    )
    expect(replaced).toEqual(pubrel)
  })
})

describe('filterIncoming: bytes from the network pass a filter before MQTT.js parses them', () => {
  /** An MQTT.js client over an in-memory duplex: what the test pushes is what "the broker" sent. */
  function clientOverMemory(filter: Partial<IncomingFilter> = {}, after?: AfterFilter) {
    const seen: Uint8Array[] = []
    const parseErrors: Error[] = []
    let fromBroker: Duplex | undefined
    const client = new mqtt.MqttClient(
      () => {
        fromBroker = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() })
        return fromBroker as unknown as MqttClient['stream']
      },
      { manualConnect: true, reconnectPeriod: 0, protocolVersion: 5, keepalive: 0 },
    )
    client.on('error', () => {})
    filterIncoming(
      client,
      {
        createIncomingFilter: () => ({
          accept: (chunk) => {
            seen.push(chunk)
            return filter.accept?.(chunk) ?? chunk
          },
          parsed: () => {},
          parseError: (error) => parseErrors.push(error),
        }),
      },
      after,
    )
    client.connect()
    const push = (bytes: number[]) => fromBroker?.push(Buffer.from(bytes))
    return { client, seen, parseErrors, push }
  }
  const connack = [0x20, 0x03, 0x00, 0x00, 0x00]

  it('hands every chunk to the filter first, and parses only what it accepts', async () => {
    const { client, seen, push } = clientOverMemory({ accept: (chunk) => chunk.subarray(0, 5) })
    const connected = new Promise((resolve) => client.once('connect', resolve))
    push([...connack, 0xd0, 0x00])
    await connected
    const received: string[] = []
    client.on('packetreceive', (packet) => received.push(packet.cmd))
    push([0xd0, 0x00, 0xd0, 0x00]) // accepted: the first 5 bytes only (2 PINGRESPs + a byte)
    await new Promise((resolve) => setImmediate(resolve))
    expect(seen.map((chunk) => chunk.length)).toEqual([7, 4])
    expect(received).toEqual(['pingresp', 'pingresp'])
    client.end(true)
  })

  it('calls what comes after it from its own listeners, in order, one listener per event', async () => {
    const calls: string[] = []
    const after: AfterFilter = {
      packetreceive(packet) {
        calls.push(`${this instanceof mqtt.MqttClient ? 'client' : '?'} packet ${packet.cmd}`)
      },
      error(error) {
        calls.push(`error ${error.message}`)
      },
    }
    const { client, parseErrors, push } = clientOverMemory({}, after)
    expect([client.listenerCount('packetreceive'), client.listenerCount('error')]).toEqual([1, 2])
    const connected = new Promise((resolve) => client.once('connect', resolve))
    push(connack)
    await connected
    push([0x40, 0x03, 0x00, 0x01, 0x05]) // a PUBACK with an invalid reason code: the parser fails
    await new Promise((resolve) => setImmediate(resolve))
    expect(calls).toEqual(['client packet connack', 'error Invalid puback reason code'])
    expect(parseErrors.map((error) => error.message)).toEqual(['Invalid puback reason code'])
    client.end(true)
  })

  it("tells parser errors apart from MQTT.js's other errors", async () => {
    const { client, parseErrors, push } = clientOverMemory()
    const connected = new Promise((resolve) => client.once('connect', resolve))
    push(connack)
    await connected
    const errors: Error[] = []
    client.on('error', (error) => errors.push(error))
    push([0x20, 0x03, 0x00, 0x00, 0x00]) // a second CONNACK: MQTT.js's handler reports it, not the parser
    await new Promise((resolve) => setImmediate(resolve))
    expect(errors.map((error) => error.message)).toEqual([
      'Protocol error: duplicate CONNACK on the same network connection',
    ])
    expect(parseErrors).toEqual([]) // (MQTT.js closed that stream)
    client.end(true)
    const other = clientOverMemory()
    const otherConnected = new Promise((resolve) => other.client.once('connect', resolve))
    other.push(connack)
    await otherConnected
    other.push([0x40, 0x03, 0x00, 0x01, 0x05]) // a PUBACK with an invalid reason code: the parser fails
    await new Promise((resolve) => setImmediate(resolve))
    expect(other.parseErrors.map((error) => error.message)).toEqual(['Invalid puback reason code'])
    other.client.end(true)
  })
})

/** An in-memory network connection: what the client writes is kept, `answer` plays the broker. */
function memoryConnection() {
  const written: Buffer[] = []
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk)
      callback()
    },
  })
  return { stream, written, answer: (...bytes: number[]) => stream.push(Buffer.from(bytes)) }
}

const connack = [0x20, 0x02, 0x00, 0x00] // MQTT 3.1.1 CONNACK, accepted, no session

describe('MQTT.js behaviour the resend guard relies on (src/outgoing/resend-guard.ts)', () => {
  it('calls createStream on each CONNACK, resends the stored PUBLISH object itself, emits connect after the resends', async () => {
    const calls: string[] = []
    const stored = new Map<number, Packet>()
    const watcher: ResendStoreWatcher = {
      stored: (packet) => {
        if (packet.messageId !== undefined) stored.set(packet.messageId, packet)
        calls.push(`stored ${packet.cmd}`)
      },
      removed: (messageId) => calls.push(`removed ${messageId}`),
      resending: () => calls.push('resending'),
    }
    let network = memoryConnection()
    const client = new mqtt.MqttClient(() => network.stream as never, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      manualConnect: true,
      keepalive: 0,
      outgoingStore: new ResendStore(watcher),
    })
    keepPublishesOnForcedClose(client)
    const sent: Packet[] = []
    client.on('packetsend', (packet: Packet) => sent.push(packet))
    const connected = () => new Promise((resolve) => client.once('connect', resolve))

    let first = connected()
    client.connect()
    network.answer(...connack)
    await first
    expect(calls).toEqual(['resending']) // an empty store, resent on the first CONNACK too
    let acknowledged: unknown = 'pending'
    client.publish('t', 'x', { qos: 1 }, (error) => {
      acknowledged = error ?? null
    })
    const publish = sent.find((packet) => packet.cmd === 'publish')
    expect(publish).toMatchObject({ dup: false, qos: 1 })
    const id = publish?.messageId ?? 0
    expect(stored.get(id)).not.toBe(publish) // the store keeps its own copy...
    expect(stored.get(id)).toMatchObject({ dup: true })

    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    network.stream.destroy()
    await closed
    network = memoryConnection()
    sent.length = 0
    calls.length = 0
    let connectedAgain = false
    first = connected().then(() => (connectedAgain = true))
    client.connect()
    network.answer(...connack)
    await new Promise((resolve) => setImmediate(resolve))
    expect(calls).toEqual(['resending'])
    expect(sent.find((packet) => packet.cmd === 'publish')).toBe(stored.get(id)) // ...which only a resend sends
    expect(connectedAgain).toBe(false) // 'connect' waits until the resent packets are acknowledged
    network.answer(0x40, 0x02, id >> 8, id & 0xff) // PUBACK
    await first
    expect(acknowledged).toBe(null)
    expect(calls).toEqual(['resending', `removed ${id}`])
    client.end(true)
  })

  it('abandonOutgoing fails the call with the given error, empties its store entry and frees its id', async () => {
    const client = createMqttClient(resolveOptions('mqtt://127.0.0.1:1'))
    const removed: number[] = []
    client.outgoingStore = new ResendStore({
      stored: () => {},
      removed: (id) => removed.push(id),
      resending: () => {},
    })
    // Not connected: MQTT.js keeps the QoS 1 PUBLISH in its store for the next connection.
    const failed = new Promise((resolve) => client.publish('t', 'x', { qos: 1 }, (error) => resolve(error)))
    const ids = Object.keys(client.outgoing).map(Number)
    expect(ids).toHaveLength(1)
    const id = ids[0] ?? 0
    const reason = new Error('given up')
    abandonOutgoing(client, id, reason)
    expect(await failed).toBe(reason)
    expect(client.outgoing[id]).toBeUndefined()
    expect(removed).toEqual([id])
    const left = await new Promise((resolve) =>
      client.outgoingStore.get({ messageId: id }, (error) => resolve(error)),
    )
    expect(left).toBeInstanceOf(Error) // missing packet
  })
})

/** Bytes of a QoS 2 PUBLISH (payload one byte): MQTT 5 with an optional Topic Alias, or 3.1.1. */
function qos2Publish(
  protocolVersion: 4 | 5,
  messageId: number,
  topic: string,
  payload: string,
  alias?: number,
) {
  const topicBytes = [0, topic.length, ...Buffer.from(topic)]
  const id = [messageId >> 8, messageId & 0xff]
  const properties = protocolVersion === 5 ? (alias === undefined ? [0] : [3, 0x23, 0, alias]) : []
  const body = [...topicBytes, ...id, ...properties, ...Buffer.from(payload)]
  return [0x34, body.length, ...body]
}

describe('MQTT.js behaviour QoS 2 reception relies on (src/incoming-qos2.ts)', () => {
  it.each([4, 5] as const)(
    'MQTT %i: the ack handler set after construction gets each QoS 2 PUBLISH first, alias resolved; PUBREC goes through _sendPacket; PUBREL finds nothing stored',
    async (protocolVersion) => {
      const network = memoryConnection()
      const client = new mqtt.MqttClient(() => network.stream as never, {
        protocolVersion,
        reconnectPeriod: 0,
        manualConnect: true,
        keepalive: 0,
        ...(protocolVersion === 5 ? { properties: { topicAliasMaximum: 5 } } : {}),
      })
      const seen: string[] = []
      const sent = (cmd: string, messageId: number) =>
        new Promise<void>((resolve) =>
          client.on('packetsend', (packet: Packet) => {
            if (packet.cmd === cmd && packet.messageId === messageId) resolve()
          }),
        )
      let holding = true
      useIncomingStore(client, new NoIncomingStore())
      const reception = {
        publishArrived: (topic: string, payload: Buffer, packet: IPublishPacket) => {
          seen.push(`publish ${packet.messageId} ${topic} ${payload}`)
        },
        pubrecHeld: (messageId: number) => holding && messageId === 1,
      }
      interceptQoS2Publish(client, reception)
      skipHeldPubrecs(client, reception)
      client.on('message', (topic) => seen.push(`message ${topic}`))
      client.on('packetsend', (packet: Packet) => {
        if (packet.cmd !== 'connect') seen.push(`sent ${packet.cmd} ${packet.messageId}`)
      })
      client.on('packetreceive', (packet: Packet) => {
        if (packet.cmd === 'pubrel') seen.push(`received pubrel ${packet.messageId}`)
      })
      const connected = new Promise((resolve) => client.once('connect', resolve))
      client.connect()
      network.answer(...(protocolVersion === 5 ? [0x20, 0x03, 0, 0, 0] : [0x20, 0x02, 0, 0]))
      await connected

      const pubrec2 = sent('pubrec', 2)
      network.answer(...qos2Publish(protocolVersion, 1, 'a/b', 'x', 1))
      // MQTT 5: the topic alone by alias (MQTT.js leaves the packet's topic empty)
      network.answer(...qos2Publish(protocolVersion, 2, protocolVersion === 5 ? '' : 'a/b', 'y', 1))
      await pubrec2
      expect(seen).toEqual(['publish 1 a/b x', 'publish 2 a/b y', 'sent pubrec 2']) // PUBREC 1 held
      holding = false
      sendAcknowledgement(client, 2, 1)
      expect(seen.at(-1)).toBe('sent pubrec 1')

      const pubcomp1 = sent('pubcomp', 1)
      network.answer(0x62, 0x02, 0, 1) // PUBREL 1
      await pubcomp1
      // 'packetreceive' before MQTT.js answers; nothing stored: no 'message', PUBCOMP at once
      expect(seen.slice(-2)).toEqual(['received pubrel 1', 'sent pubcomp 1'])
      expect(client.incomingStore).toBeInstanceOf(NoIncomingStore)
      client.end(true)
    },
  )

  it('MQTT 5: the receive-maximum slot of a QoS 2 message MQTT.js did not deliver is freed by releaseIncomingQoS2 only', async () => {
    const run = async (release: boolean) => {
      const network = memoryConnection()
      const client = new mqtt.MqttClient(() => network.stream as never, {
        protocolVersion: 5,
        reconnectPeriod: 0,
        manualConnect: true,
        keepalive: 0,
        properties: { receiveMaximum: 1 },
      })
      client.on('error', () => {})
      useIncomingStore(client, new NoIncomingStore())
      interceptQoS2Publish(client, { publishArrived: () => {}, pubrecHeld: () => false })
      client.on('packetreceive', (packet: Packet) => {
        if (release && packet.cmd === 'pubrel' && packet.messageId !== undefined) {
          releaseIncomingQoS2(client, packet.messageId)
        }
      })
      const outcome = new Promise<string>((resolve) => {
        client.on('packetsend', (packet: Packet) => {
          if (packet.cmd === 'pubrec' && packet.messageId === 2) resolve('second accepted')
        })
        client.on('close', () => resolve('closed'))
      })
      const connected = new Promise((resolve) => client.once('connect', resolve))
      client.connect()
      network.answer(0x20, 0x03, 0, 0, 0)
      await connected
      network.answer(...qos2Publish(5, 1, 't', 'x'))
      network.answer(0x62, 0x02, 0, 1) // PUBREL 1: MQTT.js answers PUBCOMP
      network.answer(...qos2Publish(5, 2, 't', 'y'))
      const result = await outcome
      client.end(true)
      return result
    }
    expect(await run(false)).toBe('closed') // the slot of 1 was never freed: receive maximum exceeded
    expect(await run(true)).toBe('second accepted')
  })
})

describe('MQTT.js behaviour a list of brokers relies on (pointAt, src/mqttjs/connection.ts)', () => {
  it('reads options.username/password/hostname again on each connect(), so pointAt moves the next CONNECT', async () => {
    let network = memoryConnection()
    const builtFor: Array<string | undefined> = []
    const client = new mqtt.MqttClient(
      (built) => {
        builtFor.push(built.options.hostname)
        return network.stream as never
      },
      {
        protocolVersion: 4,
        reconnectPeriod: 0,
        manualConnect: true,
        keepalive: 0,
        hostname: 'node-a',
        username: 'alice',
        password: Buffer.from('a'),
      },
    )
    const sent: Packet[] = []
    client.on('packetsend', (packet: Packet) => sent.push(packet))
    const connected = () => new Promise((resolve) => client.once('connect', resolve))
    let next = connected()
    client.connect()
    network.answer(...connack)
    await next
    network.stream.destroy()
    await new Promise<void>((resolve) => client.once('close', () => resolve()))

    pointAt(client, { hostname: 'node-b', port: 1884, username: 'bob', password: Buffer.from('b') })
    network = memoryConnection()
    next = connected()
    client.connect()
    network.answer(...connack)
    await next
    const connects = sent.filter((packet) => packet.cmd === 'connect')
    expect(connects.map((packet) => (packet as { username?: string }).username)).toEqual(['alice', 'bob'])
    expect(builtFor).toEqual(['node-a', 'node-b'])
    client.end(true)
  })
})
