import type { IncomingMessage } from 'node:http'
import { Client, MqttConnectError } from '@await-mqtt/core'
import { mosquittoAvailable, mosquittoSkipReason, startAedes, startMosquitto } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { roundTrip } from './round-trip.js'

/** aedes with a record of the HTTP upgrade request of every client that connected. */
async function startRecordingAedes(websocketPath?: string) {
  const broker = await startAedes(websocketPath === undefined ? {} : { websocketPath })
  const requests: IncomingMessage[] = []
  broker.broker.on('client', (client) => {
    if (client.req) requests.push(client.req)
  })
  return Object.assign(broker, { requests })
}

const v4 = { protocolVersion: 4 } as const

describe('WebSockets against aedes', () => {
  it('connects to a ws:// URL and carries messages, offering the "mqtt" subprotocol', async () => {
    await using broker = await startRecordingAedes()
    await using client = await Client.connect(broker.wsUrl!, v4)
    expect(await roundTrip(client, 'over websockets')).toBe('over websockets')
    expect(broker.requests).toHaveLength(1)
    expect(broker.requests[0]?.url).toBe('/mqtt')
    expect(broker.requests[0]?.headers['sec-websocket-protocol']).toBe('mqtt')
  })

  it("uses websocketPath '/mqtt' by default with transport: 'websockets'", async () => {
    await using broker = await startRecordingAedes()
    await using client = await Client.connect({
      ...v4,
      hostname: broker.host,
      port: broker.wsPort!,
      transport: 'websockets',
    })
    expect(client.connected).toBe(true)
    expect(broker.requests[0]?.url).toBe('/mqtt')
  })

  it('uses a custom websocketPath, and fails on the wrong one', async () => {
    await using broker = await startRecordingAedes('/custom/ws')
    const options = { ...v4, hostname: broker.host, port: broker.wsPort!, transport: 'websockets' } as const
    await using client = await Client.connect({ ...options, websocketPath: '/custom/ws' })
    expect(broker.requests[0]?.url).toBe('/custom/ws')
    await expect(Client.connect({ ...options, websocketPath: '/mqtt' })).rejects.toBeInstanceOf(
      MqttConnectError,
    )
    expect(client.connected).toBe(true)
  })

  it('takes the path from a ws:// URL', async () => {
    await using broker = await startRecordingAedes('/deep/path')
    await using client = await Client.connect(`ws://127.0.0.1:${broker.wsPort}/deep/path`, v4)
    expect(broker.requests[0]?.url).toBe('/deep/path')
    expect(client.connected).toBe(true)
  })

  it('sends websocketHeaders with the upgrade request', async () => {
    await using broker = await startRecordingAedes()
    await using client = await Client.connect(broker.wsUrl!, {
      ...v4,
      websocketHeaders: { 'x-api-key': 'key-123', authorization: 'Bearer token-456' },
    })
    expect(client.connected).toBe(true)
    expect(broker.requests[0]?.headers).toMatchObject({
      'x-api-key': 'key-123',
      authorization: 'Bearer token-456',
    })
  })

  it.skipIf(process.platform !== 'linux')(
    'connects from bindAddress (127.0.0.2 on Linux loopback)',
    async () => {
      await using broker = await startRecordingAedes()
      await using client = await Client.connect(broker.wsUrl!, { ...v4, bindAddress: '127.0.0.2' })
      expect(client.connected).toBe(true)
      expect(broker.requests[0]?.socket.remoteAddress).toBe('127.0.0.2')
    },
  )

  it('fails with MqttConnectError when nothing listens', async () => {
    await using broker = await startAedes()
    const url = broker.wsUrl!
    await broker.close()
    const error = await Client.connect(url, v4).catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(MqttConnectError)
    expect((error as MqttConnectError).failure).toBe('unreachable')
  })
})

describe.skipIf(!mosquittoAvailable())(
  `WebSockets against mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('speaks MQTT 5 over ws://', async () => {
      await using broker = await startMosquitto()
      await using client = await Client.connect(`${broker.wsUrl}/mqtt`)
      expect(client.protocolVersion).toBe(5)
      expect(await roundTrip(client, 'over websockets')).toBe('over websockets')
    })
  },
)
