import { createServer, type TLSSocket } from 'node:tls'
import { Client } from '@await-mqtt/core'
import {
  freePort,
  generateCertificates,
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  type TestCertificates,
  waitForPort,
} from '@await-mqtt/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectError, roundTrip } from './round-trip.js'

let certificates: TestCertificates
beforeAll(async () => {
  certificates = await generateCertificates()
})
afterAll(() => certificates?.remove())

describe.skipIf(!mosquittoAvailable())(
  `TLS against mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('connects to mqtts:// with the right CA, verification on, and carries messages', async () => {
      await using broker = await startMosquitto({ tls: { certificates }, websocket: false })
      await using client = await Client.connect(broker.tlsUrl!, { tls: { ca: certificates.ca } })
      expect(client.protocolVersion).toBe(5)
      expect(await roundTrip(client, 'over tls')).toBe('over tls')
    })

    it('verifies the host name through SNI when connecting by name (localhost)', async () => {
      await using broker = await startMosquitto({ tls: { certificates }, websocket: false })
      await using client = await Client.connect(`mqtts://localhost:${broker.tlsPort}`, {
        tls: { ca: certificates.ca },
      })
      expect(client.connected).toBe(true)
    })

    it('fails with failure "tls" when the CA does not match', async () => {
      await using broker = await startMosquitto({ tls: { certificates }, websocket: false })
      const error = await connectError(Client.connect(broker.tlsUrl!, { tls: { ca: certificates.wrongCa } }))
      expect(error.failure).toBe('tls')
    })

    it('fails with failure "tls" against the system trust store (self-made CA)', async () => {
      await using broker = await startMosquitto({ tls: { certificates }, websocket: false })
      const error = await connectError(Client.connect(broker.tlsUrl!))
      expect(error.failure).toBe('tls')
    })

    it('fails with failure "tls" when the certificate is not for that server name', async () => {
      await using broker = await startMosquitto({ tls: { certificates }, websocket: false })
      const options = { tls: { ca: certificates.ca, servername: 'elsewhere.example' } }
      const error = await connectError(Client.connect(broker.tlsUrl!, options))
      expect(error.failure).toBe('tls')
    })

    it('connects to an unverifiable server only with rejectUnauthorized: false', async () => {
      await using broker = await startMosquitto({ tls: { certificates }, websocket: false })
      const options = { tls: { ca: certificates.wrongCa, rejectUnauthorized: false } }
      await using client = await Client.connect(broker.tlsUrl!, options)
      expect(client.connected).toBe(true)
    })

    it('passes a client certificate for mutual TLS', async () => {
      await using broker = await startMosquitto({
        tls: { certificates, requireClientCertificate: true },
        websocket: false,
      })
      await using client = await Client.connect(broker.tlsUrl!, {
        tls: { ca: certificates.ca, cert: certificates.clientCert, key: certificates.clientKey },
      })
      expect(await roundTrip(client, 'over tls')).toBe('over tls')
    })

    it('is refused without a client certificate when the broker requires one', async () => {
      await using broker = await startMosquitto({
        tls: { certificates, requireClientCertificate: true },
        websocket: false,
      })
      const error = await connectError(Client.connect(broker.tlsUrl!, { tls: { ca: certificates.ca } }))
      expect(error.failure).toBe('tls')
      expect(error.message).toContain('client certificate')
    })

    it('authenticates with a username and password from the password file, over TLS', async () => {
      await using broker = await startMosquitto({ tls: { certificates }, users: { alice: 'tls-secret' } })
      const url = `mqtts://alice:tls-secret@127.0.0.1:${broker.tlsPort}`
      await using client = await Client.connect(url, { tls: { ca: certificates.ca } })
      expect(client.connected).toBe(true)
      const error = await connectError(
        Client.connect(broker.tlsUrl!, {
          tls: { ca: certificates.ca },
          username: 'alice',
          password: 'wrong-pw',
        }),
      )
      expect(error.failure).toBe('bad-credentials')
      expect(error.message).not.toContain('wrong-pw')
    })

    it('speaks MQTT over wss:// with the CA', async () => {
      const wssPort = await freePort()
      await using _mosquitto = await startMosquitto({
        websocket: false,
        extraConfig: [
          `listener ${wssPort} 127.0.0.1`,
          'protocol websockets',
          `cafile ${certificates.caFile}`,
          `certfile ${certificates.serverCertFile}`,
          `keyfile ${certificates.serverKeyFile}`,
        ].join('\n'),
      })
      await waitForPort(wssPort)
      await using client = await Client.connect(`wss://127.0.0.1:${wssPort}/mqtt`, {
        tls: { ca: certificates.ca },
      })
      expect(await roundTrip(client, 'over tls')).toBe('over tls')
      const error = await connectError(
        Client.connect(`wss://127.0.0.1:${wssPort}/mqtt`, { tls: { ca: certificates.wrongCa } }),
      )
      expect(error.failure).toBe('tls')
    })
  },
)

interface Handshake {
  servername: string | false | null | undefined
  alpn: string | false | null | undefined
  protocol: string | null
  cipher: string
}

/** aedes behind a real Node TLS server that records what each client asked for in its handshake. */
async function startTlsAedes(certs: TestCertificates, maxVersion: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.3') {
  const { readFile } = await import('node:fs/promises')
  const broker = await startAedes({ websocket: false })
  const handshakes: Handshake[] = []
  const server = createServer(
    {
      cert: await readFile(certs.serverCertFile),
      key: await readFile(certs.serverKeyFile),
      ALPNProtocols: ['mqtt'],
      maxVersion,
    },
    (socket: TLSSocket) => {
      handshakes.push({
        servername: socket.servername,
        alpn: socket.alpnProtocol,
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().name,
      })
      socket.on('error', () => socket.destroy())
      broker.broker.handle(socket)
    },
  )
  const sockets = new Set<TLSSocket>()
  server.on('secureConnection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  )
  return {
    port,
    handshakes,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await broker.close()
    },
  }
}

describe('TLS options reach the handshake (aedes behind a Node TLS server)', () => {
  it('sends servername as SNI and offers the ALPN protocols', async () => {
    await using server = await startTlsAedes(certificates)
    await using client = await Client.connect(`mqtts://127.0.0.1:${server.port}`, {
      protocolVersion: 4,
      tls: { ca: certificates.ca, servername: 'localhost', ALPNProtocols: ['mqtt'] },
    })
    expect(client.connected).toBe(true)
    expect(server.handshakes).toHaveLength(1)
    expect(server.handshakes[0]).toMatchObject({ servername: 'localhost', alpn: 'mqtt', protocol: 'TLSv1.3' })
  })

  it('uses the cipher list (TLS 1.2 handshake)', async () => {
    await using server = await startTlsAedes(certificates, 'TLSv1.2')
    await using client = await Client.connect(`mqtts://127.0.0.1:${server.port}`, {
      protocolVersion: 4,
      tls: { ca: certificates.ca, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
    })
    expect(client.connected).toBe(true)
    expect(server.handshakes[0]?.protocol).toBe('TLSv1.2')
    expect(server.handshakes[0]?.cipher).toBe('ECDHE-RSA-AES128-GCM-SHA256')
  })

  it('refuses a server below minVersion', async () => {
    await using server = await startTlsAedes(certificates, 'TLSv1.2')
    const error = await connectError(
      Client.connect(`mqtts://127.0.0.1:${server.port}`, {
        protocolVersion: 4,
        tls: { ca: certificates.ca, minVersion: 'TLSv1.3' },
      }),
    )
    expect(error.failure).toBe('tls')
    expect(server.handshakes).toHaveLength(0)
  })

  it('sends no SNI for an IP address and still verifies the certificate against it', async () => {
    await using server = await startTlsAedes(certificates)
    await using client = await Client.connect(`mqtts://127.0.0.1:${server.port}`, {
      protocolVersion: 4,
      tls: { ca: certificates.ca },
    })
    expect(client.connected).toBe(true)
    expect(server.handshakes[0]?.servername).toBeFalsy()
  })
})
