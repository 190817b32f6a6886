import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import { inspect } from 'node:util'
import {
  generateCertificates,
  microsocksAvailable,
  microsocksSkipReason,
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMicrosocks,
  startMosquitto,
  startTinyproxy,
  tinyproxyAvailable,
  tinyproxySkipReason,
} from '@await-mqtt/test-utils'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, type ClientOptions, type Logger, MqttConnectError } from '../../src/index.js'

/** Every form a credential could leak in: as is, `user:pass`, and base64 of both (Basic auth). */
function forms(username: string, password: string): string[] {
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')
  return [password, `${username}:${password}`, base64(`${username}:${password}`), base64(password)]
}

/** What pino's `errWithCause` serializer would log: every enumerable field, down the cause chain. */
function serialize(value: unknown, seen = new Set<unknown>()): unknown {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value
  seen.add(value)
  if (Array.isArray(value)) return value.map((item) => serialize(item, seen))
  const out: Record<string, unknown> = {}
  if (value instanceof Error) {
    out.type = value.constructor.name
    out.message = value.message
    out.stack = value.stack
    if (value.cause !== undefined) out.cause = serialize(value.cause, seen)
  }
  for (const [key, field] of Object.entries(value)) out[key] = serialize(field, seen)
  return out
}

/** A logger that keeps every line (pino-style: the object serialized, then the message). */
function recordingLogger(): Logger & { text(): string } {
  const lines: string[] = []
  const log = (object: object, message?: string) => {
    lines.push(`${message ?? ''} ${JSON.stringify(serialize(object))}`)
  }
  return { debug: log, info: log, warn: log, error: log, text: () => lines.join('\n') }
}

/** Connects (and must fail); checks that no form of the secrets is in the error, however shown, or in the logs. */
async function expectNoSecret(target: string, options: ClientOptions, secrets: string[]) {
  const logger = recordingLogger()
  const error = await Client.connect(target, { ...options, logger }).then(
    async (client) => {
      await client.close()
      throw new Error('connected')
    },
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(MqttConnectError)
  const shown = [
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    inspect(error, { depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(serialize(error)),
    String(error),
    logger.text(),
  ].join('\n')
  for (const secret of secrets) expect(shown, `"${secret}" leaked`).not.toContain(secret)
  return error as MqttConnectError
}

/**
 * A hostile HTTP proxy on raw TCP: answers CONNECT with `407 <the request's Proxy-Authorization>`,
 * as a proxy quoting the request in its status line would.
 */
async function echoingProxy(): Promise<{ host: string; port: number }> {
  const server = createServer((socket: Socket) => {
    let head = ''
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      const auth = /^proxy-authorization:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? 'none'
      socket.end(`HTTP/1.1 407 Denied for ${auth} (${head.split('\r\n')[0]})\r\nContent-Length: 0\r\n\r\n`)
    })
    socket.on('error', () => {})
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { host: '127.0.0.1', port: address.port }
}

describe('no secret in any error, cause chain, inspection or log line', () => {
  it('an HTTP proxy echoing Proxy-Authorization in its status text: sanitized and capped', async () => {
    await using broker = await startAedes({ websocket: false })
    const proxy = await echoingProxy()
    const auth = { username: 'echo-user', password: 'echo-pw-5150' }
    const error = await expectNoSecret(
      broker.url,
      { protocolVersion: 4, proxy: { type: 'http', ...proxy, ...auth } },
      forms(auth.username, auth.password),
    )
    expect(error.failure).toBe('proxy')
    expect(error.message).toContain('407')
    expect(error.message.length).toBeLessThan(300)
  })

  it.skipIf(!tinyproxyAvailable())(
    `a refused login at tinyproxy ${tinyproxyAvailable() ? '' : tinyproxySkipReason}`,
    async () => {
      await using broker = await startAedes({ websocket: false })
      await using proxy = await startTinyproxy({
        auth: { username: 'tp-user', password: 'tp-right-77' },
        connectPorts: [broker.port],
      })
      const auth = { username: 'tp-user', password: 'tp-wrong-88' }
      const error = await expectNoSecret(
        `mqtt://alice:url-pw-4242@127.0.0.1:${broker.port}`,
        { protocolVersion: 4, proxy: { type: 'http', host: proxy.host, port: proxy.port, ...auth } },
        [...forms(auth.username, auth.password), ...forms('alice', 'url-pw-4242')],
      )
      expect(error.failure).toBe('proxy')
    },
  )

  it.skipIf(!microsocksAvailable())(
    `a refused SOCKS5 login (the socks library keeps the password in its error) ${microsocksAvailable() ? '' : microsocksSkipReason}`,
    async () => {
      await using broker = await startAedes({ websocket: false })
      await using proxy = await startMicrosocks({ auth: { username: 'sx-user', password: 'sx-right-31' } })
      const auth = { username: 'sx-user', password: 'sx-wrong-42' }
      const error = await expectNoSecret(
        broker.url,
        {
          protocolVersion: 4,
          username: 'broker-user',
          password: 'broker-pw-99',
          proxy: { type: 'socks5', host: proxy.host, port: proxy.port, ...auth },
        },
        [...forms(auth.username, auth.password), ...forms('broker-user', 'broker-pw-99')],
      )
      expect(error.failure).toBe('proxy')
      expect(error.cause).toBeDefined() // the proxy's reason is kept, the credentials are not
    },
  )

  it.skipIf(!mosquittoAvailable())(
    `a failed TLS handshake with a client key and passphrase ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
    async () => {
      await using certificates = await generateCertificates()
      await using broker = await startMosquitto({ tls: { certificates }, websocket: false })
      const keyLine = certificates.clientKey.split('\n')[1] ?? 'missing'
      const error = await expectNoSecret(
        broker.tlsUrl ?? '',
        {
          password: 'tls-broker-pw-3',
          tls: {
            ca: certificates.wrongCa,
            cert: certificates.clientCert,
            key: certificates.clientKey,
            passphrase: 'tls-pass-777',
          },
        },
        [keyLine, 'tls-pass-777', 'tls-broker-pw-3'],
      )
      expect(error.failure).not.toBe('bad-credentials') // it failed before the broker saw the password
    },
  )

  it.skipIf(!mosquittoAvailable())(
    `a refused broker login (password, URL userinfo) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
    async () => {
      await using broker = await startMosquitto({ websocket: false, users: { bob: 'bob-right-12' } })
      const error = await expectNoSecret(
        `mqtt://bob:bob-wrong-34@127.0.0.1:${broker.port}`,
        {},
        forms('bob', 'bob-wrong-34'),
      )
      expect(error.failure).toBe('bad-credentials')
    },
  )
})
