import { startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, MqttConnectError, MqttTimeoutError, MqttValidationError } from '../../src/index.js'
import { nextEvent } from './helpers.js'

const fast = { minDelay: 20, maxDelay: 200, jitter: 0 }

describe('connectInBackground: start without the broker', () => {
  it('resolves at once in state reconnecting; calls wait and go on once the broker comes', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    await using client = await Client.connect(broker.url, { reconnect: fast, connectInBackground: true })
    expect(client.state).toBe('reconnecting')
    expect(client.connected).toBe(false)
    expect(client.server).toBe(broker.url)
    await using events = client.events()
    await nextEvent(events, 'reconnecting') // an attempt was refused: the broker is still down

    const topic = uniqueTopic('background')
    const subscribing = client.subscribe(topic, { qos: 1 })
    const publishing = client.publish(topic, 'queued before the broker was up', { qos: 1 })
    await broker.start()
    const connected = await nextEvent(events, 'connected')
    expect(connected.server).toBe(broker.url)
    expect(client.state).toBe('connected')
    await using subscription = await subscribing
    await publishing
    await client.publish(topic, 'after', { qos: 1 })
    const iterator = subscription[Symbol.asyncIterator]()
    const texts = [(await iterator.next()).value?.text(), (await iterator.next()).value?.text()]
    // the subscription is restored before the waiting calls go on, in the order they came
    expect(texts).toEqual(['queued before the broker was up', 'after'])
  })

  it('a call waiting for a broker that does not come fails with its own timeout', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    await using client = await Client.connect(broker.url, { reconnect: fast, connectInBackground: true })
    await expect(client.publish(uniqueTopic('late'), 'x', { qos: 1, timeout: 150 })).rejects.toBeInstanceOf(
      MqttTimeoutError,
    )
    expect(client.state).toBe('reconnecting')
  })

  it('with a list of brokers, connects to whichever comes up', async () => {
    await using a = await startMosquitto({ websocket: false })
    await using b = await startMosquitto({ websocket: false })
    await a.stop()
    await b.stop()
    await using client = await Client.connect([a.url, b.url], { reconnect: fast, connectInBackground: true })
    await using events = client.events()
    await b.start()
    const connected = await nextEvent(events, 'connected')
    expect(connected.server).toBe(b.url)
    expect(client.server).toBe(b.url)
  })

  it('gives up after reconnect.maxAttempts: the client is disconnected and calls fail', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    await using client = await Client.connect(broker.url, {
      reconnect: { ...fast, maxAttempts: 2 },
      connectInBackground: true,
    })
    await using events = client.events()
    const lost = await nextEvent(events, 'disconnected')
    expect(lost.willReconnect).toBe(false)
    expect(lost.cause.message).toContain('started without a connection')
    expect(lost.cause.cause).toBeInstanceOf(MqttConnectError)
    expect(client.state).toBe('disconnected')
  })

  it('needs reconnect; the default stays fail-fast', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    await expect(Client.connect(broker.url, { connectInBackground: true })).rejects.toMatchObject({
      field: 'connectInBackground',
    })
    await expect(
      Client.connect(broker.url, { connectInBackground: 'yes' as unknown as boolean, reconnect: true }),
    ).rejects.toBeInstanceOf(MqttValidationError)
    await expect(Client.connect(broker.url, { reconnect: fast })).rejects.toBeInstanceOf(MqttConnectError)
  })

  it('close() while connecting in the background ends it and leaves nothing behind', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    const client = await Client.connect(broker.url, { reconnect: fast, connectInBackground: true })
    const waiting = client.publish(uniqueTopic('closed'), 'x', { qos: 1 })
    await client.close()
    await expect(waiting).rejects.toMatchObject({ name: 'MqttClientClosedError' })
    expect(client.state).toBe('closed')
  })
})
