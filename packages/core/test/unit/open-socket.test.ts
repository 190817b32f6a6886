import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { MqttConnectError } from '../../src/errors/errors.js'
import type { TransportTarget } from '../../src/options/resolved-options.js'
import { openSocket } from '../../src/transport/open-socket.js'
import { Opening } from '../../src/transport/opening.js'

function target(port: number): TransportTarget {
  return {
    transport: 'tcp',
    hostname: '127.0.0.1',
    port,
    tls: undefined,
    proxy: undefined,
    bindAddress: undefined,
    bindPort: undefined,
    socketOptions: undefined,
    websocketPath: '/mqtt',
    websocketHeaders: undefined,
    connectTimeout: 5_000,
  }
}

const servers: Server[] = []
afterEach(() => {
  for (const server of servers.splice(0)) server.close()
})

function listen(): Promise<number> {
  const server = createServer((socket) => socket.on('error', () => {}))
  servers.push(server)
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  )
}

describe('openSocket', () => {
  it('leaves none of its own listeners on the socket it opened (an idle client keeps it for good)', async () => {
    const port = await listen()
    const { socket } = await openSocket(target(port), new Opening())
    const tcp = socket as Socket
    expect([tcp.listenerCount('connect'), tcp.listenerCount('error')]).toEqual([0, 0])
    tcp.destroy()
  })

  it('fails with MqttConnectError naming the broker, and stops when its opening is aborted', async () => {
    const port = await listen()
    const server = servers.pop()
    await new Promise((resolve) => server?.close(resolve))
    await expect(openSocket(target(port), new Opening())).rejects.toThrow(MqttConnectError)
    const blackhole = { ...target(9), hostname: '10.255.255.1' }
    const opening = new Opening()
    const opened = openSocket(blackhole, opening)
    opening.abort(new Error('given up'))
    await expect(opened).rejects.toThrow('given up')
  })
})
