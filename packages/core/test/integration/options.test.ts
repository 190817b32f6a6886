import { createServer, type Socket } from 'node:net'
import { Client, type Logger, MqttConnectError, MqttValidationError } from '@await-mqtt/core'
import {
  freePort,
  microsocksAvailable,
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMicrosocks,
  startMosquitto,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import type { Client as AedesClient, ConnectPacket } from 'aedes'
import { describe, expect, it } from 'vitest'

/** aedes that records every CONNECT packet it receives, and the socket of every client. */
async function startRecordingAedes() {
  const connects: ConnectPacket[] = []
  const clients: AedesClient[] = []
  const broker = await startAedes({
    websocket: false,
    preConnect: (_client, packet, callback) => {
      connects.push(packet)
      callback(null, true)
    },
  })
  broker.broker.on('client', (client) => clients.push(client))
  return Object.assign(broker, { connects, clients })
}

/** A TCP server that counts connections and never answers: proves whether a socket was opened. */
async function startSilentServer() {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server = createServer((socket) => {
    accepted += 1
    sockets.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => sockets.delete(socket))
  })
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  )
  return {
    port,
    accepted: () => accepted,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function recordingLogger(): Logger & { text(): string } {
  const lines: string[] = []
  const log = (object: object, message?: string) => {
    lines.push(`${message ?? ''} ${JSON.stringify(object)}`)
  }
  return { debug: log, info: log, warn: log, error: log, text: () => lines.join('\n') }
}

const v4 = { protocolVersion: 4 } as const

describe('connection options reach the broker (aedes CONNECT packets)', () => {
  it('sends clientId, keepalive, clean, username and password', async () => {
    await using broker = await startRecordingAedes()
    await using client = await Client.connect(`mqtt://alice:p%40ss@127.0.0.1:${broker.port}`, {
      ...v4,
      clientId: 'sensor-17',
      keepalive: 15,
      clean: false,
    })
    expect(client.clientId).toBe('sensor-17')
    expect(broker.connects).toHaveLength(1)
    const [packet] = broker.connects
    expect(packet).toMatchObject({ clientId: 'sensor-17', keepalive: 15, clean: false, username: 'alice' })
    expect(packet?.password?.toString()).toBe('p@ss')
    expect(packet?.protocolVersion).toBe(4)
  })

  it('sends a random await-mqtt_ client id and keepalive 60 by default', async () => {
    await using broker = await startRecordingAedes()
    await using client = await Client.connect(broker.url, v4)
    const [packet] = broker.connects
    expect(packet?.clientId).toMatch(/^await-mqtt_[0-9a-f]{8}$/)
    expect(packet?.clientId).toBe(client.clientId)
    expect(packet).toMatchObject({ keepalive: 60, clean: true })
  })

  it('speaks MQTT 3.1 (MQIsdp) with protocolVersion 3', async () => {
    await using broker = await startRecordingAedes()
    await using client = await Client.connect(broker.url, { protocolVersion: 3, clientId: 'old-timer' })
    expect(client.protocolVersion).toBe(3)
    expect(broker.connects[0]).toMatchObject({ protocolId: 'MQIsdp', protocolVersion: 3 })
  })

  it('sends the will', async () => {
    await using broker = await startRecordingAedes()
    await using _client = await Client.connect(broker.url, {
      ...v4,
      will: { topic: 'status/sensor', payload: 'offline', qos: 1, retain: true },
    })
    const will = broker.connects[0]?.will
    expect(will).toMatchObject({ topic: 'status/sensor', qos: 1, retain: true })
    expect(will?.payload.toString()).toBe('offline')
  })

  it('sends MQTT 5 CONNECT properties (seen in the 5.0 attempt aedes refuses before the 3.1.1 fallback)', async () => {
    await using broker = await startRecordingAedes()
    await using client = await Client.connect(broker.url, {
      sessionExpiryInterval: 120,
      properties: {
        receiveMaximum: 20,
        maximumPacketSize: 4096,
        requestProblemInformation: true,
        userProperties: { app: 'await-mqtt', region: ['eu', 'us'] },
      },
      will: { topic: 'w', payload: 'x', properties: { willDelayInterval: 3, contentType: 'text/plain' } },
    })
    expect(client.protocolVersion).toBe(4)
    expect(broker.connects.map((packet) => packet.protocolVersion)).toEqual([5, 4])
    const [v5, fallback] = broker.connects
    expect(v5?.properties).toMatchObject({
      sessionExpiryInterval: 120,
      receiveMaximum: 20,
      maximumPacketSize: 4096,
      requestProblemInformation: true,
      userProperties: { app: 'await-mqtt', region: ['eu', 'us'] },
    })
    expect(v5?.will?.properties).toMatchObject({ willDelayInterval: 3, contentType: 'text/plain' })
    expect(fallback?.properties).toBeUndefined()
  })

  it.skipIf(process.platform !== 'linux')(
    'connects from bindAddress and bindPort (127.0.0.2 on Linux)',
    async () => {
      await using broker = await startRecordingAedes()
      const bindPort = await freePort('127.0.0.2')
      await using client = await Client.connect(broker.url, { ...v4, bindAddress: '127.0.0.2', bindPort })
      expect(client.connected).toBe(true)
      const socket = broker.clients[0]?.conn as Socket | undefined
      expect(socket?.remoteAddress).toBe('127.0.0.2')
      expect(socket?.remotePort).toBe(bindPort)
    },
  )

  it('connects with socketOptions set (noDelay off, TCP keepalive on)', async () => {
    await using broker = await startRecordingAedes()
    const socketOptions = { noDelay: false, keepAlive: true, keepAliveInitialDelay: 1000 }
    await using client = await Client.connect(broker.url, { ...v4, socketOptions })
    await client.publish(uniqueTopic('socket-options'), 'ok', { qos: 1 })
    expect(broker.connects).toHaveLength(1)
  })
})

describe('invalid options fail before any socket is opened', () => {
  it.each([
    ['keepalive', { keepalive: -1 }],
    ['port', { port: 70_000 }],
    ['transport', { transport: 'carrier-pigeon' as never }],
    ['proxy.type', { proxy: { type: 'ftp' as never, host: '127.0.0.1', port: 1 } }],
    ['will.topic', { will: { topic: 'a/#' } }],
  ])('%s', async (field, options) => {
    await using server = await startSilentServer()
    const error = await Client.connect(`mqtt://127.0.0.1:${server.port}`, options).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MqttValidationError)
    expect((error as MqttValidationError).field).toBe(field)
    expect(server.accepted()).toBe(0)
  })

  it('a malformed URL', async () => {
    const error = await Client.connect('mqtt://user:pa55word@host:port').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MqttValidationError)
    expect((error as MqttValidationError).field).toBe('url')
    expect((error as Error).message).not.toContain('pa55word')
  })
})

describe('timeout and logger', () => {
  it('gives up on a server that never answers after `timeout` ms with failure "timeout"', async () => {
    await using server = await startSilentServer()
    const error = await Client.connect(`mqtt://127.0.0.1:${server.port}`, { timeout: 300 }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(MqttConnectError)
    expect((error as MqttConnectError).failure).toBe('timeout')
    expect(server.accepted()).toBe(1)
  })

  it('logs the resolved options with the user name and without any password', async () => {
    await using broker = await startRecordingAedes()
    const logger = recordingLogger()
    await using _client = await Client.connect(`mqtt://carol:url-secret-1@127.0.0.1:${broker.port}`, {
      ...v4,
      logger,
    })
    expect(logger.text()).toContain('mqtt client created')
    expect(logger.text()).toContain('carol')
    expect(logger.text()).not.toContain('url-secret-1')
  })
})

describe.skipIf(!mosquittoAvailable())(
  `MQTT 5 session options against mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    /** Subscribes, disconnects, reconnects with the same session options and sees what the session kept. */
    async function afterReconnect(sessionExpiryInterval: number): Promise<string[]> {
      await using broker = await startMosquitto({ websocket: false })
      const topic = uniqueTopic('session')
      const marker = uniqueTopic('marker')
      const persistent = { clientId: `session-${sessionExpiryInterval}`, clean: false, sessionExpiryInterval }
      {
        await using first = await Client.connect(broker.url, persistent)
        await first.subscribe(topic, { qos: 1 })
      }
      await using second = await Client.connect(broker.url, persistent)
      await using messages = second.messages()
      await second.subscribe(marker, { qos: 1 })
      await second.publish(topic, 'kept subscription', { qos: 1 })
      await second.publish(marker, 'marker', { qos: 1 })
      const received: string[] = []
      for await (const message of messages) {
        received.push(message.text())
        if (message.topic.value === marker) break
      }
      return received
    }

    it('keeps the session (its subscriptions) with clean: false and a sessionExpiryInterval', async () => {
      expect(await afterReconnect(60)).toEqual(['kept subscription', 'marker'])
    })

    it('drops the session at disconnect with sessionExpiryInterval 0', async () => {
      expect(await afterReconnect(0)).toEqual(['marker'])
    })

    it('makes the broker respect properties.maximumPacketSize', async () => {
      await using broker = await startMosquitto({ websocket: false })
      const topic = uniqueTopic('max-size')
      await using client = await Client.connect(broker.url, { properties: { maximumPacketSize: 256 } })
      await using messages = client.messages(topic)
      await client.subscribe(topic, { qos: 1 })
      await using publisher = await Client.connect(broker.url)
      await publisher.publish(topic, 'x'.repeat(1024), { qos: 1 })
      await publisher.publish(topic, 'small', { qos: 1 })
      for await (const message of messages) {
        expect(message.text()).toBe('small')
        break
      }
    })

    it.skipIf(!microsocksAvailable())(
      'publishes the will when the connection drops without DISCONNECT',
      async () => {
        await using broker = await startMosquitto({ websocket: false })
        const topic = uniqueTopic('will')
        await using watcher = await Client.connect(broker.url)
        await using messages = watcher.messages(topic)
        await watcher.subscribe(topic, { qos: 1 })
        // The doomed client goes through a proxy; stopping the proxy cuts its connection the way a crash would.
        const proxy = await startMicrosocks()
        try {
          const doomed = await Client.connect(broker.url, {
            proxy: { type: 'socks5', host: proxy.host, port: proxy.port },
            will: { topic, payload: 'gone', qos: 1, properties: { contentType: 'text/plain' } },
          })
          await proxy.close()
          for await (const message of messages) {
            expect(message.text()).toBe('gone')
            expect(message.properties.contentType).toBe('text/plain')
            break
          }
          await doomed.close().catch(() => {})
        } finally {
          await proxy.close()
        }
      },
    )
  },
)
