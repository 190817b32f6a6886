import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import {
  Client,
  MqttClientClosedError,
  MqttCodeError,
  MqttConnectionLostError,
  MqttTimeoutError,
  MqttValidationError,
} from '../../src/index.js'

/** An aedes whose PUBLISH handling waits until `release()` (or never); `stalled` resolves at the first one held. */
async function stallingBroker() {
  const held: Array<() => void> = []
  let stalling = true
  let heldOne: () => void = () => {}
  const stalled = new Promise<void>((resolve) => {
    heldOne = resolve
  })
  const broker = await startAedes({
    authorizePublish: (_client, _packet, callback) => {
      if (stalling) {
        held.push(() => callback(null))
        heldOne()
      } else callback(null)
    },
  })
  return {
    broker,
    stalled,
    release() {
      stalling = false
      for (const go of held.splice(0)) go()
    },
  }
}

describe('lost connection (default: no reconnect)', () => {
  it('ends every stream with MqttConnectionLostError and rejects pending calls', async () => {
    const { broker, stalled } = await stallingBroker()
    await using _ = broker
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('lost')
    await using stream = client.messages()
    await using subscription = await client.subscribe(topic)
    const pending = client.publish(topic, 'x', { qos: 1 })
    await stalled
    const reading = stream.next()
    const readingSubscription = subscription[Symbol.asyncIterator]().next()
    broker.dropConnections()
    await expect(pending).rejects.toBeInstanceOf(MqttConnectionLostError)
    await expect(reading).rejects.toBeInstanceOf(MqttConnectionLostError)
    await expect(readingSubscription).rejects.toBeInstanceOf(MqttConnectionLostError)
    expect(client.connected).toBe(false)
    expect(client.closed).toBe(false)
    await expect(client.publish(topic, 'y')).rejects.toBeInstanceOf(MqttConnectionLostError)
    await expect(client.subscribe(topic)).rejects.toBeInstanceOf(MqttConnectionLostError)
    expect(() => client.messages()).toThrow(MqttConnectionLostError)
    await client.close()
  })

  it('streams deliver what they buffered before the loss, then throw', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('buffered')
    await using subscription = await client.subscribe(topic, { qos: 1 })
    await client.publish(topic, 'before', { qos: 1 })
    const iterator = subscription[Symbol.asyncIterator]()
    // the message is buffered: wait until it arrived by reading after a round trip
    await client.publish(uniqueTopic('sync'), '', { qos: 1 })
    broker.dropConnections()
    const received: string[] = []
    const error = await (async () => {
      for (;;) {
        const result = await iterator.next()
        if (result.done) return undefined
        received.push(result.value.text())
      }
    })().catch((caught: unknown) => caught)
    expect(received).toEqual(['before'])
    expect(error).toBeInstanceOf(MqttConnectionLostError)
  })

  it('the seed reconnect loop works: catch MqttError, connect again', async () => {
    await using broker = await startAedes()
    const topic = uniqueTopic('loop')
    const seen: string[] = []
    let attempts = 0
    while (attempts < 2) {
      attempts++
      try {
        await using client = await Client.connect(broker.url)
        await using messages = client.messages()
        await client.subscribe(topic)
        await client.publish(topic, `attempt ${attempts}`)
        for await (const message of messages) {
          seen.push(message.text())
          if (attempts === 1) broker.dropConnections()
          else break
        }
      } catch (error) {
        expect(error).toBeInstanceOf(MqttConnectionLostError)
      }
    }
    expect(seen).toEqual(['attempt 1', 'attempt 2'])
  })
})

describe('calls', () => {
  it('publish resolves only when the QoS 1 handshake completes', async () => {
    const { broker, stalled, release } = await stallingBroker()
    await using _ = broker
    await using client = await Client.connect(broker.url)
    let done = false
    const publishing = client.publish(uniqueTopic('handshake'), 'x', { qos: 1 }).then(() => {
      done = true
    })
    await stalled
    await new Promise((resolve) => setImmediate(resolve)) // the broker holds the PUBLISH: no PUBACK can come
    expect(done).toBe(false)
    release()
    await publishing
    expect(done).toBe(true)
  })

  it('a call times out with MqttTimeoutError and the client stays usable', async () => {
    const { broker, release } = await stallingBroker()
    await using _ = broker
    await using client = await Client.connect(broker.url)
    const error = await client.publish('a', 'x', { qos: 1, timeout: 100 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MqttTimeoutError)
    expect((error as MqttTimeoutError).timeout).toBe(100)
    release()
    await client.publish('a', 'y', { qos: 1 })
  })

  it('an AbortSignal rejects the call with its reason', async () => {
    const { broker, release } = await stallingBroker()
    await using _ = broker
    await using client = await Client.connect(broker.url)
    const controller = new AbortController()
    const publishing = client.publish('a', 'x', { qos: 1, signal: controller.signal })
    const reason = new Error('user gave up')
    controller.abort(reason)
    await expect(publishing).rejects.toBe(reason)
    await expect(client.subscribe('a', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    release()
  })

  it('a subscription refused by the broker rejects with MqttCodeError 0x80 (MQTT 3.1.1)', async () => {
    await using broker = await startAedes({
      authorizeSubscribe: (_client, subscription, callback) =>
        // a null subscription is aedes' way to answer SUBACK 0x80 (an error would drop the client)
        callback(null, subscription.topic.startsWith('forbidden/') ? null : subscription),
    })
    await using client = await Client.connect(broker.url)
    const error = await client.subscribe('forbidden/x', { qos: 1 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MqttCodeError)
    expect((error as MqttCodeError).reasonCode).toBe(0x80)
    await using subscription = await client.subscribe('fine/x', { qos: 1 })
    expect(subscription.granted).toEqual([{ filter: 'fine/x', qos: 1, reasonCode: 1 }])
  })

  it('invalid input rejects with MqttValidationError, sends nothing, and leaves the client usable', async () => {
    const published: string[] = []
    await using broker = await startAedes()
    broker.broker.on('publish', (packet, client) => {
      if (client) published.push(packet.topic)
    })
    await using client = await Client.connect(broker.url)
    const bad: Array<() => Promise<unknown>> = [
      () => client.publish('a/+', 'x'),
      () => client.publish('', 'x'),
      () => client.publish('a\u0000b', 'x'),
      () => client.publish('x'.repeat(70_000), 'x'),
      () => client.publish('a', { not: 'a payload' } as never),
      () => client.publish('a', 'x', { qos: 3 as never }),
      () => client.publish('a', 'x', { retain: 'yes' as never }),
      () => client.publish('a', 'x', { timeout: -5 }),
      () => client.publish('a', 'x', { properties: { userProperties: { k: 'v' } } }),
      () => client.subscribe('a/#/b'),
      () => client.subscribe([]),
      () => client.subscribe('a', { qos: 5 as never }),
      () => client.subscribe('a', { noLocal: true }),
      () => client.unsubscribe('a+'),
    ]
    for (const call of bad) await expect(call()).rejects.toBeInstanceOf(MqttValidationError)
    expect(() => client.messages('a/#/b')).toThrow(MqttValidationError)
    expect(() => client.messages('a', { maxQueued: 0 })).toThrow(MqttValidationError)
    const topic = uniqueTopic('still-usable')
    await client.publish(topic, 'fine', { qos: 1 })
    expect(published).toEqual([topic])
  })

  it('maxConcurrentOutgoingCalls: the broker never sees more than N publishes in flight', async () => {
    let inFlight = 0
    let most = 0
    await using broker = await startAedes({
      authorizePublish: (_client, _packet, callback) => {
        inFlight++
        most = Math.max(most, inFlight)
        setTimeout(() => {
          inFlight--
          callback(null)
        }, 20)
      },
    })
    const burst = async (client: Client) => {
      most = 0
      await Promise.all(Array.from({ length: 12 }, (_, n) => client.publish('burst', String(n), { qos: 1 })))
      return most
    }
    {
      await using unlimited = await Client.connect(broker.url)
      expect(await burst(unlimited)).toBeGreaterThan(2)
    }
    await using limited = await Client.connect(broker.url, { maxConcurrentOutgoingCalls: 2 })
    expect(await burst(limited)).toBe(2)
  })
})

describe('close', () => {
  it('waits for in-flight QoS 1 publishes before DISCONNECT', async () => {
    const { broker, stalled, release } = await stallingBroker()
    await using _ = broker
    const client = await Client.connect(broker.url)
    const publishing = client.publish('a', 'x', { qos: 1 })
    await stalled
    const closing = client.close()
    await expect(client.publish('a', 'late')).rejects.toBeInstanceOf(MqttClientClosedError)
    setTimeout(release, 50)
    await closing
    await expect(publishing).resolves.toBeUndefined()
  })

  it('is bounded when the broker never acknowledges', async () => {
    const { broker, stalled } = await stallingBroker()
    await using _ = broker
    const client = await Client.connect(broker.url)
    const publishing = client.publish('a', 'x', { qos: 1 }).catch((caught: unknown) => caught)
    await stalled
    await client.close({ timeout: 200 })
    expect(await publishing).toBeInstanceOf(MqttClientClosedError)
    expect(client.connected).toBe(false)
  })

  it('is idempotent and calls after it reject with MqttClientClosedError', async () => {
    await using broker = await startAedes()
    const client = await Client.connect(broker.url)
    const first = client.close()
    expect(client.close()).toBe(first)
    await first
    await client[Symbol.asyncDispose]()
    await expect(client.publish('a', 'x')).rejects.toBeInstanceOf(MqttClientClosedError)
    await expect(client.subscribe('a')).rejects.toBeInstanceOf(MqttClientClosedError)
    await expect(client.unsubscribe('a')).rejects.toBeInstanceOf(MqttClientClosedError)
    expect(() => client.messages()).toThrow(MqttClientClosedError)
  })
})
