import { createServer, type Socket } from 'node:net'
import {
  freePort,
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
} from '@await-mqtt/test-utils'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, MqttConnectError, MqttValidationError } from '../../src/index.js'

async function connectError(...args: Parameters<typeof Client.connect>): Promise<MqttConnectError> {
  const error = await Client.connect(...args).then(
    async (client) => {
      await client.close()
      throw new Error('connected, but should not have')
    },
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(MqttConnectError)
  return error as MqttConnectError
}

/** Accepts TCP connections and never says a word. */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('Client.connect failures', () => {
  it("an unreachable port rejects with failure 'unreachable'", async () => {
    const port = await freePort()
    const error = await connectError(`mqtt://127.0.0.1:${port}`, { timeout: 5_000 })
    expect(error.failure).toBe('unreachable')
    expect(error.message).toContain(`127.0.0.1:${port}`)
    expect(error.reasonCode).toBeUndefined()
  })

  it("a broker that accepts TCP but never answers rejects with failure 'timeout'", async () => {
    const port = await silentServer()
    const error = await connectError({ hostname: '127.0.0.1', port, timeout: 300 })
    expect(error.failure).toBe('timeout')
    expect(error.message).toMatch(/did not answer CONNECT within 300 ms/)
  })

  it('an aborted signal rejects with its reason', async () => {
    const port = await silentServer()
    const reason = new Error('changed my mind')
    const controller = new AbortController()
    const connecting = Client.connect({ hostname: '127.0.0.1', port, signal: controller.signal })
    setTimeout(() => controller.abort(reason), 20)
    await expect(connecting).rejects.toBe(reason)
  })

  it('an explicit MQTT 5 against an MQTT 3.1.1 broker is refused, not downgraded', async () => {
    await using broker = await startAedes()
    const error = await connectError(broker.url, { protocolVersion: 5 })
    expect(error.failure).toBe('unsupported-protocol')
  })

  it('invalid options reject with MqttValidationError before any socket opens', async () => {
    await expect(Client.connect('http://localhost')).rejects.toBeInstanceOf(MqttValidationError)
    await expect(Client.connect({ hostname: 'localhost', timeout: -1 })).rejects.toBeInstanceOf(
      MqttValidationError,
    )
  })
})

describe.skipIf(!mosquittoAvailable())(
  `Client.connect failures on mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it("bad credentials reject with failure 'bad-credentials' and never show the password", async () => {
      await using broker = await startMosquitto({ users: { alice: 'right-password' } })
      for (const protocolVersion of [5, 4] as const) {
        const error = await connectError(broker.url, {
          username: 'alice',
          password: 'wrong-password-123',
          protocolVersion,
        })
        expect(error.failure).toBe('bad-credentials')
        // mosquitto 2.0 answers 'not authorized' (0x87 / 5) to a wrong password; with credentials sent, that is bad-credentials
        expect([0x86, 0x87, 4, 5]).toContain(error.reasonCode)
        expect(error.message).not.toContain('wrong-password-123')
        expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('wrong-password-123')
      }
    })

    it('credentials in the URL work and stay out of error messages', async () => {
      await using broker = await startMosquitto({ users: { alice: 's3cret' } })
      const url = `mqtt://alice:s3cret@127.0.0.1:${broker.port}`
      const client = await Client.connect(url)
      expect(client.protocolVersion).toBe(5)
      await client.close()
      const error = await connectError(`mqtt://alice:nope-nope@127.0.0.1:${broker.port}`)
      expect(error.message).not.toContain('nope-nope')
    })

    it("an anonymous client where anonymity is off is 'not-authorized'", async () => {
      await using broker = await startMosquitto({ users: { alice: 'x' } })
      const error = await connectError(broker.url)
      expect(error.failure).toBe('not-authorized')
      expect(error.reasonCode).toBeGreaterThanOrEqual(0x80)
    })
  },
)
