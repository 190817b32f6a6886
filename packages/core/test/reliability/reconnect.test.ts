import { startAedes, startFaultProxy, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import {
  Client,
  type ConnectionEvent,
  MqttClientClosedError,
  MqttConnectionLostError,
  MqttError,
  MqttTimeoutError,
} from '../../src/index.js'
import { nextEvent, until } from './helpers.js'

const fast = { minDelay: 20, maxDelay: 100, jitter: 0 }

describe('reconnect: the client, its streams and subscriptions survive a lost connection', () => {
  it('reports disconnected → reconnecting → connected, resubscribes and keeps streaming', async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    await using client = await Client.connect(proxy.url, { reconnect: fast })
    await using events = client.events()
    const topic = uniqueTopic('survive')
    await using subscription = await client.subscribe(topic, { qos: 1 })
    await using stream = client.messages(topic)
    await client.publish(topic, 'before', { qos: 1 })
    const iterator = subscription[Symbol.asyncIterator]()
    expect((await iterator.next()).value?.text()).toBe('before')
    expect((await stream.next()).value?.text()).toBe('before')
    expect(client.state).toBe('connected')

    proxy.cut()
    const seen: ConnectionEvent[] = []
    const disconnected = await nextEvent(events, 'disconnected', seen)
    expect(disconnected.willReconnect).toBe(true)
    expect(disconnected.cause).toBeInstanceOf(MqttConnectionLostError)
    expect(client.state).toBe('reconnecting')
    const connected = await nextEvent(events, 'connected', seen)
    expect(connected.sessionPresent).toBe(false) // aedes, clean session: subscriptions were sent again
    expect(seen.map((event) => event.type)).toEqual(['disconnected', 'reconnecting', 'connected'])
    expect(seen[1]).toEqual({ type: 'reconnecting', attempt: 1, delay: 20 })
    expect(client.state).toBe('connected')

    await client.publish(topic, 'after', { qos: 1 })
    expect((await iterator.next()).value?.text()).toBe('after')
    expect((await stream.next()).value?.text()).toBe('after')
  })

  it('calls made while reconnecting wait for the connection, in order', async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    await using client = await Client.connect(proxy.url, { reconnect: fast })
    await using events = client.events()
    const topic = uniqueTopic('wait')
    await using subscription = await client.subscribe(topic, { qos: 1 })
    await proxy.refuse()
    await nextEvent(events, 'reconnecting')
    const publishing = [1, 2, 3].map((n) => client.publish(topic, String(n), { qos: 1 }))
    const subscribing = client.subscribe(`${topic}/late`)
    await nextEvent(events, 'reconnecting') // a second attempt was refused too
    await proxy.accept()
    await Promise.all(publishing)
    await using late = await subscribing
    expect(late.granted).toEqual([{ filter: `${topic}/late`, qos: 0, reasonCode: 0 }])
    const received: string[] = []
    for await (const message of subscription) {
      received.push(message.text())
      if (received.length === 3) break
    }
    expect(received).toEqual(['1', '2', '3'])
  })

  it('a call waiting for the connection times out, aborts, or overflows maxQueuedPublishes', async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    await using client = await Client.connect(proxy.url, {
      reconnect: { ...fast, maxQueuedPublishes: 2 },
    })
    await using events = client.events()
    await proxy.refuse()
    await nextEvent(events, 'reconnecting')
    const slow = client.publish('a', '1', { timeout: 60_000 })
    const timingOut = client.publish('a', '2', { timeout: 50 }).catch((error: unknown) => error)
    const overflow = await client.publish('a', '3').catch((error: unknown) => error)
    expect(overflow).toBeInstanceOf(MqttError)
    expect((overflow as MqttError).code).toBe('QUEUE_OVERFLOW')
    expect(await timingOut).toBeInstanceOf(MqttTimeoutError)
    const reason = new Error('gave up')
    await expect(client.publish('a', '4', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    const controller = new AbortController()
    const aborted = client.subscribe('b', { signal: controller.signal })
    controller.abort(reason)
    await expect(aborted).rejects.toBe(reason)
    await proxy.accept()
    await slow
  })

  it('unacknowledged QoS 1 publishes are sent again, with DUP, and then resolve', async () => {
    const seen: Array<{ payload: string; dup: boolean }> = []
    let stall = true
    await using broker = await startAedes({
      authorizePublish: (_client, packet, callback) => {
        seen.push({ payload: packet.payload.toString(), dup: packet.dup })
        if (!stall) callback(null) // stalled: no PUBACK ever
      },
    })
    await using proxy = await startFaultProxy(broker.port)
    await using client = await Client.connect(proxy.url, { reconnect: fast })
    await using events = client.events()
    const publishing = client.publish('resend', 'x', { qos: 1 })
    await until(() => seen.length === 1, 5_000, 'the first PUBLISH')
    stall = false
    proxy.cut()
    await nextEvent(events, 'connected')
    await publishing
    expect(seen).toEqual([
      { payload: 'x', dup: false },
      { payload: 'x', dup: true },
    ])
  })

  it('after maxAttempts failed attempts everything ends with MqttConnectionLostError', async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    await using client = await Client.connect(proxy.url, { reconnect: { ...fast, maxAttempts: 3 } })
    await using events = client.events()
    await using stream = client.messages()
    await using subscription = await client.subscribe('x')
    await proxy.refuse()
    const seen: ConnectionEvent[] = []
    const first = await nextEvent(events, 'disconnected', seen)
    expect(first.willReconnect).toBe(true)
    const waiting = client.publish('x', 'queued', { qos: 1 }).catch((error: unknown) => error)
    const gaveUp = await nextEvent(events, 'disconnected', seen)
    expect(gaveUp.willReconnect).toBe(false)
    expect(gaveUp.cause.message).toMatch(/3 reconnection attempts failed/)
    expect(seen.filter((event) => event.type === 'reconnecting')).toHaveLength(3)
    expect(client.state).toBe('disconnected')
    expect(await waiting).toBeInstanceOf(MqttConnectionLostError)
    await expect(stream.next()).rejects.toBeInstanceOf(MqttConnectionLostError)
    await expect(subscription[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(MqttConnectionLostError)
    await expect(client.publish('x', 'late')).rejects.toBeInstanceOf(MqttConnectionLostError)
  })

  it('close() while reconnecting is immediate: waiting calls fail with MqttClientClosedError, events end', async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    const client = await Client.connect(proxy.url, {
      reconnect: { ...fast, minDelay: 60_000, maxDelay: 60_000 },
    })
    const events = client.events()
    await using stream = client.messages()
    await proxy.refuse()
    await nextEvent(events, 'reconnecting')
    const waiting = client.publish('x', 'queued').catch((error: unknown) => error)
    const started = Date.now()
    await client.close()
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(await waiting).toBeInstanceOf(MqttClientClosedError)
    expect(client.state).toBe('closed')
    expect(await stream.next()).toEqual({ done: true, value: undefined })
    expect(await events.next()).toEqual({ done: false, value: { type: 'closed' } })
    expect(await events.next()).toEqual({ done: true, value: undefined })
  })

  it('a subscription disposed while reconnecting is not subscribed again', async () => {
    const subscribed: string[] = []
    await using broker = await startAedes()
    broker.broker.on('subscribe', (subscriptions) => {
      for (const { topic } of subscriptions) subscribed.push(topic)
    })
    await using proxy = await startFaultProxy(broker.port)
    await using client = await Client.connect(proxy.url, { reconnect: fast })
    await using events = client.events()
    const kept = await client.subscribe('kept/#')
    const gone = await client.subscribe('gone/#')
    await proxy.refuse()
    await nextEvent(events, 'reconnecting')
    await gone[Symbol.asyncDispose]()
    await proxy.accept()
    await nextEvent(events, 'connected')
    await until(() => subscribed.length === 3, 5_000, 'the resubscription')
    expect(subscribed).toEqual(['kept/#', 'gone/#', 'kept/#'])
    await kept.unsubscribe()
  })

  it('over WebSockets too', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.wsUrl ?? '', { reconnect: fast })
    await using events = client.events()
    const topic = uniqueTopic('ws')
    await using subscription = await client.subscribe(topic, { qos: 1 })
    broker.dropConnections()
    await nextEvent(events, 'connected')
    await client.publish(topic, 'over ws', { qos: 1 })
    expect((await subscription[Symbol.asyncIterator]().next()).value?.text()).toBe('over ws')
  })

  it("ack: 'after-processing': a message held when the connection drops comes again after reconnecting", async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    const options = { reconnect: fast, clean: false, clientId: uniqueTopic('held').replaceAll('/', '-') }
    await using client = await Client.connect(proxy.url, { ...options, ack: 'after-processing' })
    await using producer = await Client.connect(broker.url)
    await using events = client.events()
    const topic = uniqueTopic('held')
    await using subscription = await client.subscribe(topic, { qos: 1 })
    const iterator = subscription[Symbol.asyncIterator]()
    await producer.publish(topic, 'once', { qos: 1 })
    const first = (await iterator.next()).value
    expect(first?.dup).toBe(false) // being processed: its PUBACK is held back
    proxy.cut()
    expect(await nextEvent(events, 'connected')).toMatchObject({ type: 'connected', sessionPresent: true })
    const again = (await iterator.next()).value // the broker never got the PUBACK (aedes resends without DUP)
    expect(again?.text()).toBe('once')
    expect(again?.messageId).toBeTypeOf('number')
  })
})
