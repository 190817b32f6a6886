import {
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startFaultProxy,
  startMosquitto,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import {
  Client,
  type ConnectionEvent,
  MqttClientClosedError,
  MqttConnectError,
  MqttConnectionLostError,
} from '../../src/index.js'
import { nextEvent } from '../reliability/helpers.js'
import { watchProcess } from './watch.js'

const fast = { minDelay: 50, maxDelay: 200, jitter: 0 }

describe.skipIf(!mosquittoAvailable())(
  `broker restart (mosquitto) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('without reconnect: streams and calls end with MqttConnectionLostError; close leaves nothing', async () => {
      await using broker = await startMosquitto({ websocket: false })
      const watch = watchProcess()
      const client = await Client.connect(broker.url)
      const events = client.events()
      const subscription = await client.subscribe(uniqueTopic('restart'), { qos: 1 })
      const reading = subscription[Symbol.asyncIterator]()
        .next()
        .catch((caught: unknown) => caught)
      await broker.stop()
      expect(await reading).toBeInstanceOf(MqttConnectionLostError)
      expect(await nextEvent(events, 'disconnected')).toMatchObject({ willReconnect: false })
      expect(client.state).toBe('disconnected')
      await broker.start()
      await expect(client.publish('x', 'y')).rejects.toBeInstanceOf(MqttConnectionLostError)
      await client.close()
      expect(await watch.leaked()).toEqual({})
      expect(watch.unhandled).toEqual([])
    })

    it('with reconnect: the client comes back on its own, subscriptions restored', async () => {
      await using broker = await startMosquitto({ websocket: false })
      const watch = watchProcess()
      const client = await Client.connect(broker.url, { reconnect: fast })
      const events = client.events()
      const topic = uniqueTopic('restart')
      const subscription = await client.subscribe(topic, { qos: 1 })
      await broker.stop()
      const seen: ConnectionEvent[] = []
      await nextEvent(events, 'disconnected', seen)
      await nextEvent(events, 'reconnecting', seen)
      await nextEvent(events, 'reconnecting', seen) // mosquitto is down: the first attempt was refused
      await broker.start()
      expect(await nextEvent(events, 'connected', seen)).toMatchObject({
        type: 'connected',
        sessionPresent: false,
      })
      await client.publish(topic, 'after the restart', { qos: 1 })
      const received = await subscription[Symbol.asyncIterator]().next()
      expect(received.value?.text()).toBe('after the restart')
      await client.close()
      expect(await watch.leaked()).toEqual({})
      expect(watch.unhandled).toEqual([])
    })
  },
)

describe('a broker that stops answering mid-stream (keepalive notices)', () => {
  it('without reconnect: the stream ends with MqttConnectionLostError within ~1.5 × keepalive', async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    const watch = watchProcess()
    const client = await Client.connect(proxy.url, { keepalive: 1 })
    const stream = client.messages()
    const started = Date.now()
    proxy.setMode('blackhole')
    const error = await stream.next().catch((caught: unknown) => caught)
    const noticedAfter = Date.now() - started
    expect(error).toBeInstanceOf(MqttConnectionLostError)
    expect((error as Error).message).toMatch(/keepalive/i)
    expect(noticedAfter).toBeLessThan(4_000) // 1.5 s expected; generous for a loaded machine
    await client.close()
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  })

  it('with reconnect: it reconnects once the link is back, and keeps the stream', async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    const watch = watchProcess()
    const client = await Client.connect(proxy.url, { keepalive: 1, timeout: 500, reconnect: fast })
    const events = client.events()
    const topic = uniqueTopic('blackhole')
    const stream = client.messages(topic)
    await client.subscribe(topic)
    proxy.setMode('blackhole')
    const disconnected = await nextEvent(events, 'disconnected')
    expect(disconnected.cause.message).toMatch(/keepalive/i)
    // the broker accepts TCP but never answers CONNECT: attempts time out
    const attempt = await nextEvent(events, 'reconnecting')
    await nextEvent(events, 'reconnecting')
    expect(attempt.attempt).toBe(1)
    proxy.setMode('forward')
    proxy.cut()
    await nextEvent(events, 'connected')
    await client.publish(topic, 'back', { qos: 1 })
    expect((await stream.next()).value?.text()).toBe('back')
    await client.close()
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  })

  it('close() is bounded when the broker never answers (in-flight QoS 1 and DISCONNECT)', async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    const watch = watchProcess()
    const client = await Client.connect(proxy.url)
    proxy.setMode('blackhole')
    const publishing = client
      .publish('x', 'never acknowledged', { qos: 1 })
      .catch((caught: unknown) => caught)
    const started = Date.now()
    await client.close({ timeout: 300 })
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(await publishing).toBeInstanceOf(MqttClientClosedError)
    expect(client.state).toBe('closed')
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  })

  it('a first connection to a silent broker times out even with reconnect on (no retry loop)', async () => {
    await using broker = await startAedes()
    await using proxy = await startFaultProxy(broker.port)
    proxy.setMode('blackhole')
    const watch = watchProcess()
    const error = await Client.connect(proxy.url, { timeout: 300, reconnect: true }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(MqttConnectError)
    expect((error as MqttConnectError).failure).toBe('timeout')
    proxy.cut()
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  })
})
