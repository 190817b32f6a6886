import { createServer, type Socket } from 'node:net'
import { freePort } from '@await-mqtt/test-utils'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, MqttConnectError, MqttValidationError } from '../../src/index.js'
import { watchProcess } from './watch.js'

/** A TCP server that does `onSocket` with every connection (never speaks MQTT). */
async function rawServer(onSocket: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => sockets.delete(socket))
    socket.resume() // read (and drop) what comes, so the client's FIN is seen and the socket closes
    onSocket(socket)
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

async function failure(connecting: Promise<Client>): Promise<unknown> {
  return connecting.then(
    async (client) => {
      await client.close()
      return new Error('connected, but should not have')
    },
    (error: unknown) => error,
  )
}

describe('connecting fails with a typed error, no unhandled rejection and nothing left open', () => {
  const refusedTarget = async () => ({ hostname: '127.0.0.1', port: await freePort() })
  const cases: Array<[string, () => Promise<Parameters<typeof Client.connect>[0]>, string]> = [
    ['connection refused', refusedTarget, 'unreachable'],
    [
      'a host name that does not resolve (.invalid)',
      async () => 'mqtt://no-such-broker.invalid:1883',
      'unreachable',
    ],
    [
      'a broker that accepts TCP but never sends CONNACK',
      async () => ({ hostname: '127.0.0.1', port: await rawServer(() => {}), timeout: 300 }),
      'timeout',
    ],
    [
      'a broker that hangs up at once',
      async () => ({ hostname: '127.0.0.1', port: await rawServer((socket) => socket.destroy()) }),
      'closed',
    ],
    [
      'a broker that answers garbage',
      async () => ({
        hostname: '127.0.0.1',
        port: await rawServer((socket) => socket.end('HTTP/1.1 400 Bad\r\n\r\n')),
      }),
      'protocol-error',
    ],
  ]

  it.each(cases)('%s', async (_name, target, expected) => {
    const resolved = await target()
    const watch = watchProcess()
    const error = await failure(Client.connect(resolved, { reconnect: true }))
    expect(error).toBeInstanceOf(MqttConnectError)
    if (expected !== 'closed') expect((error as MqttConnectError).failure).toBe(expected)
    else expect(['closed', 'unreachable', 'refused']).toContain((error as MqttConnectError).failure)
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  })

  it.each([
    ['not a URL', 'not a url'],
    ['an unknown scheme', 'http://127.0.0.1:1883'],
    ['a port out of range', 'mqtt://127.0.0.1:99999'],
    ['an empty host', 'mqtt://:1883'],
    ['a path on an MQTT URL', 'mqtt://127.0.0.1:1883/x y'],
  ])('a malformed URL (%s) rejects with MqttValidationError before any socket', async (_name, url) => {
    const watch = watchProcess()
    const error = await failure(Client.connect(url))
    expect(error).toBeInstanceOf(MqttValidationError)
    expect((error as MqttValidationError).field).toMatch(/url|port|hostname/)
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  })
})
