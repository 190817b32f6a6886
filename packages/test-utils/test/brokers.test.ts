import mqtt from 'mqtt'
import { describe, expect, it, onTestFinished } from 'vitest'
import {
  generateCertificates,
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  uniqueTopic,
} from '../src/index.js'

async function roundTrip(url: string, options: mqtt.IClientOptions = {}): Promise<string> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options })
  onTestFinished(() => client.endAsync())
  const topic = uniqueTopic('smoke')
  await client.subscribeAsync(topic)
  const received = new Promise<string>((resolve) =>
    client.once('message', (_t, payload) => resolve(payload.toString())),
  )
  await client.publishAsync(topic, 'hello', { qos: 1 })
  return received
}

describe('startAedes', () => {
  it('serves MQTT over TCP and websockets on free ports and closes cleanly', async () => {
    const broker = await startAedes()
    expect(broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/)
    expect(await roundTrip(broker.url)).toBe('hello')
    expect(await roundTrip(broker.wsUrl ?? '')).toBe('hello')
    await broker.close()
    await broker.close()
    await expect(mqtt.connectAsync(broker.url, { reconnectPeriod: 0, connectTimeout: 500 })).rejects.toThrow()
  })
})

describe.skipIf(!mosquittoAvailable())(
  `startMosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('runs MQTT 5 over TCP and websockets, then stops', async () => {
      await using broker = await startMosquitto()
      expect(await roundTrip(broker.url, { protocolVersion: 5 })).toBe('hello')
      expect(await roundTrip(broker.wsUrl ?? '', { protocolVersion: 5 })).toBe('hello')
    })

    it('serves TLS with generated certificates and checks passwords', async () => {
      await using certificates = await generateCertificates()
      await using broker = await startMosquitto({ tls: { certificates }, users: { alice: 'wonderland' } })
      const tls = { ca: certificates.ca, username: 'alice', password: 'wonderland' }
      expect(await roundTrip(broker.tlsUrl ?? '', tls)).toBe('hello')
      await expect(
        mqtt.connectAsync(broker.url, { reconnectPeriod: 0, username: 'alice', password: 'wrong' }),
      ).rejects.toThrow(/Not authorized|Bad username/i)
    })

    it('can be killed and started again on the same port', async () => {
      await using broker = await startMosquitto({ persistence: true })
      await broker.kill()
      await expect(
        mqtt.connectAsync(broker.url, { reconnectPeriod: 0, connectTimeout: 500 }),
      ).rejects.toThrow()
      await broker.start()
      expect(await roundTrip(broker.url)).toBe('hello')
    })

    it('with persistence, keeps across a SIGKILL a session it saved() after', async () => {
      await using broker = await startMosquitto({ persistence: true, websocket: false })
      const session = { reconnectPeriod: 0, clean: false, clientId: uniqueTopic('kept').replaceAll('/', '-') }
      const first = await mqtt.connectAsync(broker.url, session)
      await first.subscribeAsync(uniqueTopic('kept'), { qos: 1 })
      await first.endAsync()
      await broker.saved()
      await broker.kill()
      await broker.start()
      const again = mqtt.connect(broker.url, session)
      onTestFinished(() => again.endAsync())
      const connack = await new Promise<mqtt.IConnackPacket>((resolve) => again.once('connect', resolve))
      expect(connack.sessionPresent).toBe(true)
    })
  },
)
