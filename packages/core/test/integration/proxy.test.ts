import { Client, type ClientOptions, type Logger } from '@await-mqtt/core'
import {
  danteAvailable,
  danteSkipReason,
  freePort,
  generateCertificates,
  microsocksAvailable,
  microsocksSkipReason,
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startDante,
  startMicrosocks,
  startMosquitto,
  startTinyproxy,
  tinyproxyAvailable,
  tinyproxySkipReason,
} from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { connectError, roundTrip } from './round-trip.js'

const connectFails = (target: string, options: ClientOptions) => connectError(Client.connect(target, options))

/** aedes speaks MQTT 3.1.1 only: asking for it directly keeps it to one connection (no 5 → 4 fallback). */
const v4 = { protocolVersion: 4 } as const

/** A logger that keeps every line, to check that no secret reaches it. */
function recordingLogger(): Logger & { text(): string } {
  const lines: string[] = []
  const log = (object: object, message?: string) => {
    lines.push(`${message ?? ''} ${JSON.stringify(object)}`)
  }
  return { debug: log, info: log, warn: log, error: log, text: () => lines.join('\n') }
}

const tinyproxy = tinyproxyAvailable()
describe.skipIf(!tinyproxy)(`HTTP CONNECT through tinyproxy ${tinyproxy ? '' : tinyproxySkipReason}`, () => {
  it('tunnels mqtt:// through the proxy (the proxy logs the CONNECT)', async () => {
    await using broker = await startAedes({ websocket: false })
    await using proxy = await startTinyproxy({ connectPorts: [broker.port] })
    await using client = await Client.connect(broker.url, {
      ...v4,
      proxy: { type: 'http', host: proxy.host, port: proxy.port },
    })
    expect(await roundTrip(client, 'through the proxy')).toBe('through the proxy')
    expect(proxy.tunnels()).toEqual([`127.0.0.1:${broker.port}`])
  })

  it('authenticates with Proxy-Authorization and never logs or reports the proxy password', async () => {
    await using broker = await startAedes({ websocket: false })
    const auth = { username: 'proxy-user', password: 'proxy-pw-42' }
    await using proxy = await startTinyproxy({ auth, connectPorts: [broker.port] })
    const logger = recordingLogger()
    await using client = await Client.connect(broker.url, {
      ...v4,
      proxy: { type: 'http', host: proxy.host, port: proxy.port, ...auth },
      logger,
    })
    expect(await roundTrip(client, 'through the proxy')).toBe('through the proxy')
    expect(proxy.tunnels()).toHaveLength(1)

    const wrong = await connectFails(broker.url, {
      proxy: {
        type: 'http',
        host: proxy.host,
        port: proxy.port,
        username: 'proxy-user',
        password: 'nope-pw-7',
      },
      logger,
    })
    expect(wrong.failure).toBe('proxy')
    expect(wrong.message).toMatch(/ 40[17] /) // tinyproxy answers CONNECT with 401, others with 407
    expect(wrong.message).not.toContain('nope-pw-7')
    const missing = await connectFails(broker.url, {
      proxy: { type: 'http', host: proxy.host, port: proxy.port },
    })
    expect(missing.failure).toBe('proxy')
    expect(logger.text()).toContain('proxy-user')
    expect(logger.text()).not.toContain('proxy-pw-42')
    expect(logger.text()).not.toContain('nope-pw-7')
  })

  it('reports a CONNECT the proxy forbids as failure "proxy"', async () => {
    await using broker = await startAedes({ websocket: false })
    await using proxy = await startTinyproxy({ connectPorts: [1] })
    const error = await connectFails(broker.url, {
      proxy: { type: 'http', host: proxy.host, port: proxy.port },
    })
    expect(error.failure).toBe('proxy')
    expect(error.message).toContain('403')
  })

  it('tunnels ws:// (WebSockets) through the proxy', async () => {
    await using broker = await startAedes()
    await using proxy = await startTinyproxy({ connectPorts: [broker.wsPort!] })
    await using client = await Client.connect(broker.wsUrl!, {
      ...v4,
      proxy: { type: 'http', host: proxy.host, port: proxy.port },
    })
    expect(await roundTrip(client, 'through the proxy')).toBe('through the proxy')
    expect(proxy.tunnels()).toEqual([`127.0.0.1:${broker.wsPort}`])
  })

  it.skipIf(!mosquittoAvailable())(
    `runs TLS end to end over the tunnel (mqtts://, CA verified) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
    async () => {
      await using certificates = await generateCertificates()
      await using broker = await startMosquitto({ tls: { certificates }, websocket: false })
      await using proxy = await startTinyproxy({ connectPorts: [broker.tlsPort!] })
      const proxyOptions = { type: 'http', host: proxy.host, port: proxy.port } as const
      await using client = await Client.connect(broker.tlsUrl!, {
        tls: { ca: certificates.ca },
        proxy: proxyOptions,
      })
      expect(await roundTrip(client, 'through the proxy')).toBe('through the proxy')
      expect(proxy.tunnels()).toEqual([`127.0.0.1:${broker.tlsPort}`])
      const error = await connectFails(broker.tlsUrl!, {
        tls: { ca: certificates.wrongCa },
        proxy: proxyOptions,
      })
      expect(error.failure).toBe('tls')
    },
  )
})

const microsocks = microsocksAvailable()
describe.skipIf(!microsocks)(`SOCKS5 through microsocks ${microsocks ? '' : microsocksSkipReason}`, () => {
  it('connects through the proxy (the proxy logs the connection)', async () => {
    await using broker = await startAedes({ websocket: false })
    await using proxy = await startMicrosocks()
    await using client = await Client.connect(broker.url, {
      ...v4,
      proxy: { type: 'socks5', host: proxy.host, port: proxy.port },
    })
    expect(await roundTrip(client, 'through the proxy')).toBe('through the proxy')
    expect(proxy.tunnels()).toEqual([`127.0.0.1:${broker.port}`])
  })

  it('authenticates with a user name and password, and reports a wrong one as failure "proxy"', async () => {
    await using broker = await startAedes({ websocket: false })
    await using proxy = await startMicrosocks({ auth: { username: 'sock-user', password: 'sock-pw-9' } })
    const logger = recordingLogger()
    await using client = await Client.connect(broker.url, {
      ...v4,
      proxy: {
        type: 'socks5',
        host: proxy.host,
        port: proxy.port,
        username: 'sock-user',
        password: 'sock-pw-9',
      },
      logger,
    })
    expect(await roundTrip(client, 'through the proxy')).toBe('through the proxy')
    const error = await connectFails(broker.url, {
      proxy: {
        type: 'socks5',
        host: proxy.host,
        port: proxy.port,
        username: 'sock-user',
        password: 'bad-pw-3',
      },
      logger,
    })
    expect(error.failure).toBe('proxy')
    expect(error.message).not.toContain('bad-pw-3')
    expect(logger.text()).not.toContain('sock-pw-9')
    expect(logger.text()).not.toContain('bad-pw-3')
    expect(proxy.tunnels()).toEqual([`127.0.0.1:${broker.port}`])
  })

  it('lets the proxy resolve the broker host name', async () => {
    await using broker = await startAedes({ websocket: false })
    await using proxy = await startMicrosocks()
    await using client = await Client.connect(`mqtt://localhost:${broker.port}`, {
      ...v4,
      proxy: { type: 'socks5', host: proxy.host, port: proxy.port },
    })
    expect(client.connected).toBe(true)
    expect(proxy.tunnels()).toHaveLength(1)
  })

  it('tunnels ws:// through the proxy', async () => {
    await using broker = await startAedes()
    await using proxy = await startMicrosocks()
    await using client = await Client.connect(broker.wsUrl!, {
      ...v4,
      proxy: { type: 'socks5', host: proxy.host, port: proxy.port },
    })
    expect(await roundTrip(client, 'through the proxy')).toBe('through the proxy')
    expect(proxy.tunnels()).toEqual([`127.0.0.1:${broker.wsPort}`])
  })

  it.skipIf(!mosquittoAvailable())(
    `runs TLS over SOCKS5 to mosquitto (MQTT 5) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
    async () => {
      await using certificates = await generateCertificates()
      await using broker = await startMosquitto({ tls: { certificates }, websocket: false })
      await using proxy = await startMicrosocks()
      await using client = await Client.connect(broker.tlsUrl!, {
        tls: { ca: certificates.ca },
        proxy: { type: 'socks5', host: proxy.host, port: proxy.port },
      })
      expect(client.protocolVersion).toBe(5)
      expect(await roundTrip(client, 'through the proxy')).toBe('through the proxy')
      expect(proxy.tunnels()).toEqual([`127.0.0.1:${broker.tlsPort}`])
    },
  )
})

const dante = danteAvailable()
describe.skipIf(!dante)(`SOCKS4 through Dante ${dante ? '' : danteSkipReason}`, () => {
  it('connects through the proxy (the proxy logs the connection)', async () => {
    await using broker = await startAedes({ websocket: false })
    await using proxy = await startDante()
    await using client = await Client.connect(broker.url, {
      ...v4,
      proxy: { type: 'socks4', host: proxy.host, port: proxy.port },
    })
    expect(await roundTrip(client, 'through the proxy')).toBe('through the proxy')
    expect(proxy.tunnels()).toEqual([`127.0.0.1:${broker.port}`])
  })
})

describe('an unreachable proxy', () => {
  it.each(['http', 'socks5'] as const)('fails a %s proxy with failure "proxy"', async (type) => {
    await using broker = await startAedes({ websocket: false })
    const port = await freePort()
    const error = await connectFails(broker.url, { proxy: { type, host: '127.0.0.1', port } })
    expect(error.failure).toBe('proxy')
    expect(error.message).toContain(`127.0.0.1:${port}`)
  })
})
