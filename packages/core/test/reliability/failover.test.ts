import { freePort, startMosquitto, startScriptedBroker, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type ConnectionEvent, MqttConnectError, MqttValidationError } from '../../src/index.js'
import { nextEvent } from './helpers.js'

const fast = { minDelay: 20, maxDelay: 200, jitter: 0 }

/** A URL where nothing listens (a broker that is down). */
async function deadUrl(): Promise<string> {
  return `mqtt://127.0.0.1:${await freePort()}`
}

describe('several brokers: Client.connect takes a list and fails over', () => {
  it('tries the brokers in order: the first is down, the second takes the connection', async () => {
    await using a = await startMosquitto({ websocket: false })
    await using b = await startMosquitto({ websocket: false })
    await a.stop()
    await using client = await Client.connect([a.url, b.url], { timeout: 5_000 })
    expect(client.server).toBe(b.url)
    const topic = uniqueTopic('failover/first')
    await using subscription = await client.subscribe(topic, { qos: 1 })
    await client.publish(topic, 'on b', { qos: 1 })
    const iterator = subscription[Symbol.asyncIterator]()
    expect((await iterator.next()).value?.text()).toBe('on b')
  })

  it('takes per-broker credentials over the shared ones', async () => {
    await using a = await startMosquitto({ websocket: false, users: { alice: 'a-secret' } })
    await using b = await startMosquitto({ websocket: false, users: { bob: 'b-secret' } })
    await a.stop()
    await using client = await Client.connect(
      [a.url, { url: b.url, username: 'bob', password: 'b-secret' }],
      { username: 'alice', password: 'a-secret', timeout: 5_000 },
    )
    expect(client.server).toBe(b.url)
  })

  it('when none accepts, rejects with one MqttConnectError naming why each failed, no secret in it', async () => {
    const first = await deadUrl()
    let second = await deadUrl()
    while (second === first) second = await deadUrl()
    const error = await Client.connect([first, second], { password: 'hunter2', username: 'u' }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(MqttConnectError)
    const { message, failure } = error as MqttConnectError
    expect(failure).toBe('unreachable')
    expect(message).toContain('none of 2 brokers')
    expect(message).toContain(first.replace('mqtt://', ''))
    expect(message).toContain(second.replace('mqtt://', ''))
    expect(message).not.toContain('hunter2')
  })

  it('refuses an empty list, a shared address and a per-broker option that must be shared', async () => {
    await expect(Client.connect([])).rejects.toMatchObject({ field: 'targets' })
    await expect(Client.connect(['mqtt://a'], { hostname: 'b' })).rejects.toMatchObject({ field: 'hostname' })
    const perBroker = [{ url: 'mqtt://a', keepalive: 5 }] as unknown as string[]
    await expect(Client.connect(perBroker)).rejects.toMatchObject({ field: 'targets[0].keepalive' })
    await expect(Client.connect(['mqtt://a', 42 as unknown as string])).rejects.toBeInstanceOf(
      MqttValidationError,
    )
    // one MQTT.js client serves the list: it cannot move between TCP and WebSockets
    await expect(Client.connect(['mqtt://127.0.0.1:1', 'ws://127.0.0.1:2/mqtt'])).rejects.toMatchObject({
      field: 'targets[1]',
      message: expect.stringContaining('same transport'),
    })
  })

  it('a reconnection moves to the next broker: events name it, subscriptions and publishing go on', async () => {
    await using a = await startMosquitto({ websocket: false })
    await using b = await startMosquitto({ websocket: false })
    await using c = await startMosquitto({ websocket: false })
    await using client = await Client.connect([a.url, b.url, c.url], { reconnect: fast, timeout: 5_000 })
    expect(client.server).toBe(a.url)
    await using events = client.events()
    const topic = uniqueTopic('failover/move')
    await using subscription = await client.subscribe(topic, { qos: 1 })
    const iterator = subscription[Symbol.asyncIterator]()

    await a.kill()
    const connected = await nextEvent(events, 'connected')
    expect(connected.server).toBe(b.url)
    expect(client.server).toBe(b.url)
    await client.publish(topic, 'after a died', { qos: 1 })
    expect((await iterator.next()).value?.text()).toBe('after a died')

    // b dies too: the next is c (a is still down and is not tried first)
    await b.kill()
    const seen: ConnectionEvent[] = []
    const again = await nextEvent(events, 'connected', seen)
    expect(again.server).toBe(c.url)
    expect(seen.filter((event) => event.type === 'reconnecting')).toHaveLength(1)
    await client.publish(topic, 'on c', { qos: 1 })
    expect((await iterator.next()).value?.text()).toBe('on c')
  })

  it('shuffle: many clients with the same list do not all pick the first broker', async () => {
    await using a = await startMosquitto({ websocket: false })
    await using b = await startMosquitto({ websocket: false })
    const clients = await Promise.all(
      Array.from({ length: 16 }, () => Client.connect([a.url, b.url], { failover: { shuffle: true } })),
    )
    const servers = new Set(clients.map((client) => client.server))
    await Promise.all(clients.map((client) => client.close()))
    // 16 fair coin flips all landing on one side: 2 in 65,536
    expect(servers).toEqual(new Set([a.url, b.url]))
  })
})

describe('MQTT 5 Server Reference (0x9C Use another server, 0x9D Server moved)', () => {
  it('is not followed by default: the CONNACK refusal is the error', async () => {
    await using target = await startMosquitto({ websocket: false })
    await using redirecting = await startScriptedBroker({
      connack: { reasonCode: 0x9c, properties: { serverReference: `127.0.0.1:${target.port}` } },
    })
    const error = await Client.connect(redirecting.url, { protocolVersion: 5 }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(MqttConnectError)
    expect((error as MqttConnectError).reasonCode).toBe(0x9c)
  })

  it('with followRedirects, a CONNACK redirect is followed once to the server it names', async () => {
    await using target = await startMosquitto({ websocket: false })
    await using redirecting = await startScriptedBroker({
      connack: { reasonCode: 0x9d, properties: { serverReference: `127.0.0.1:${target.port}` } },
    })
    await using client = await Client.connect(redirecting.url, {
      protocolVersion: 5,
      failover: { followRedirects: true },
    })
    expect(client.server).toBe(target.url)
    expect(redirecting.connections).toHaveLength(1)
    const topic = uniqueTopic('redirect')
    await using subscription = await client.subscribe(topic)
    await client.publish(topic, 'moved')
    expect((await subscription[Symbol.asyncIterator]().next()).value?.text()).toBe('moved')
  })

  it('two servers pointing at each other cannot bounce the client forever (maxRedirects)', async () => {
    let portB = 0
    const redirect = (port: () => number) => () => ({
      reasonCode: 0x9c,
      properties: { serverReference: `127.0.0.1:${port()}` },
    })
    await using a = await startScriptedBroker({ connack: redirect(() => portB) })
    await using b = await startScriptedBroker({ connack: redirect(() => a.port) })
    portB = b.port
    const error = await Client.connect(a.url, {
      protocolVersion: 5,
      timeout: 5_000,
      failover: { followRedirects: true, maxRedirects: 3 },
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MqttConnectError)
    expect((error as MqttConnectError).reasonCode).toBe(0x9c)
    // a, b, a, b: the first connection and 3 redirects followed, the 4th redirect refused
    expect(a.connections.length + b.connections.length).toBe(4)
  })

  it('a DISCONNECT 0x9D with a Server Reference moves a reconnecting client there', async () => {
    await using target = await startMosquitto({ websocket: false })
    await using moving = await startScriptedBroker()
    await using client = await Client.connect(moving.url, {
      protocolVersion: 5,
      reconnect: fast,
      failover: { followRedirects: true },
    })
    await using events = client.events()
    const connection = await moving.connection(0)
    connection.send({
      cmd: 'disconnect',
      reasonCode: 0x9d,
      properties: { serverReference: `127.0.0.1:${target.port}` },
    })
    const connected = await nextEvent(events, 'connected')
    expect(connected.server).toBe(target.url)
    expect(client.server).toBe(target.url)
    expect(moving.connections).toHaveLength(1)
  })
})
