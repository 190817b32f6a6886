import { type ScriptedBroker, type ScriptedConnection, startScriptedBroker } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, MqttUndeliverableError, type ReconnectOptions } from '../../src/index.js'
import { nextEvent } from '../reliability/helpers.js'

const fast = { minDelay: 20, maxDelay: 100, jitter: 0 }
const poison = 'rooms/poison'

/**
 * A scripted broker that acknowledges every QoS 1/2 PUBLISH as a broker would, except one topic:
 * on a PUBLISH to it, it sends DISCONNECT 0x81 (Malformed Packet) and hangs up, as mosquitto does
 * with a topic it refuses. `topics` lists every PUBLISH received, on every connection, in order.
 */
async function refusingBroker(): Promise<{ broker: ScriptedBroker; topics: string[] }> {
  const topics: string[] = []
  const serve = async (connection: ScriptedConnection) => {
    while (!connection.isClosed) {
      const packet = await Promise.race([connection.next(undefined, 30_000), connection.closed]).catch(
        () => undefined,
      )
      if (packet === undefined) return
      if (packet.cmd === 'publish') {
        topics.push(packet.topic)
        if (packet.topic === poison) {
          connection.send({ cmd: 'disconnect', reasonCode: 0x81 })
          connection.destroy()
          return
        }
        if (packet.qos === 1) connection.send({ cmd: 'puback', messageId: packet.messageId })
        if (packet.qos === 2) connection.send({ cmd: 'pubrec', messageId: packet.messageId })
      } else if (packet.cmd === 'pubrel') {
        connection.send({ cmd: 'pubcomp', messageId: packet.messageId })
      }
    }
  }
  const broker: ScriptedBroker = await startScriptedBroker({
    autoAck: false,
    connack: (_connect, n) => {
      queueMicrotask(() => {
        const connection = broker.connections[n]
        if (connection) void serve(connection)
      })
      return {}
    },
  })
  return { broker, topics }
}

async function publishWithPoison(reconnect: ReconnectOptions) {
  const { broker, topics } = await refusingBroker()
  const client = await Client.connect(broker.url, { reconnect, timeout: 8_000 })
  const events = client.events()
  const first = client.publish('rooms/a', 'a', { qos: 1 })
  const refused = client.publish(poison, 'p', { qos: 1 }).then(
    () => undefined,
    (error: unknown) => error,
  )
  const second = client.publish('rooms/b', 'b', { qos: 2 })
  await Promise.all([first, second])
  const error = await refused
  // The stored messages are resent within the handshake; the client reports connected right after.
  await nextEvent(events, 'connected')
  events.close()
  return { broker, topics, client, error }
}

describe('poison protection: a stored publish the broker hangs up on is given up, not resent forever', () => {
  it('rejects it with MqttUndeliverableError after reconnect.maxResends (3) resends; the others get through', async () => {
    const { broker, topics, client, error } = await publishWithPoison(fast)
    await using _broker = broker
    await using _client = client
    expect(error).toBeInstanceOf(MqttUndeliverableError)
    expect(error).toMatchObject({
      code: 'UNDELIVERABLE',
      topic: poison,
      sends: 4,
      reasonCode: 0x81,
    })
    // The first transmission and 3 resends, each on its own connection; then a fifth one without it.
    expect(topics.filter((topic) => topic === poison)).toHaveLength(4)
    expect(broker.connections).toHaveLength(5)
    expect(topics.filter((topic) => topic === 'rooms/b').length).toBeGreaterThanOrEqual(1)
    expect(client.state).toBe('connected')
    await client.publish('rooms/c', 'c', { qos: 1 })
    expect(topics.at(-1)).toBe('rooms/c')
  })

  it('reconnect.maxResends: 1 gives it up after one resend', async () => {
    const { broker, topics, client, error } = await publishWithPoison({ ...fast, maxResends: 1 })
    await using _broker = broker
    await using _client = client
    expect(error).toBeInstanceOf(MqttUndeliverableError)
    expect(error).toMatchObject({ sends: 2 })
    expect(topics.filter((topic) => topic === poison)).toHaveLength(2)
    expect(broker.connections).toHaveLength(3)
    expect(client.state).toBe('connected')
  })

  it('a message acknowledged after a few drops starts counting again (transient drops never add up)', async () => {
    // Drops while 'rooms/flaky' is in flight, twice, then accepts it; then drops twice again on
    // a new message with the same treatment: with maxResends 2 neither is given up.
    const drops = new Map<string, number>()
    const topics: string[] = []
    const broker: ScriptedBroker = await startScriptedBroker({
      autoAck: false,
      connack: (_connect, n) => {
        queueMicrotask(async () => {
          const connection = broker.connections[n]
          while (connection && !connection.isClosed) {
            const packet = await Promise.race([connection.next('publish', 30_000), connection.closed]).catch(
              () => undefined,
            )
            if (packet?.cmd !== 'publish') return
            topics.push(packet.topic)
            const seen = drops.get(packet.topic) ?? 0
            if (seen < 2) {
              drops.set(packet.topic, seen + 1)
              connection.destroy()
              return
            }
            connection.send({ cmd: 'puback', messageId: packet.messageId })
          }
        })
        return {}
      },
    })
    await using _broker = broker
    await using client = await Client.connect(broker.url, {
      reconnect: { ...fast, maxResends: 2 },
      timeout: 8_000,
    })
    await client.publish('rooms/flaky', '1', { qos: 1 })
    await client.publish('rooms/flaky/2', '2', { qos: 1 })
    expect(topics).toEqual([
      'rooms/flaky',
      'rooms/flaky',
      'rooms/flaky',
      'rooms/flaky/2',
      'rooms/flaky/2',
      'rooms/flaky/2',
    ])
  })
})
