import { createServer, type Socket } from 'node:net'
import { MqttConnectError } from '@await-mqtt/core'
import { freePort } from '@await-mqtt/test-utils'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import fastifyMqtt from '../../src/index.js'
import { testApp } from './helpers.js'

/** A TCP server that accepts connections and never answers: a broker that hangs. */
async function silentServer(): Promise<{ url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    socket.resume() // reads (and ignores) CONNECT, so it sees the client hang up
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { url: `mqtt://127.0.0.1:${address.port}`, sockets }
}

describe('connecting in onReady', () => {
  it('rejects ready() with MqttConnectError when nothing listens', async () => {
    const { app } = testApp()
    await app.register(fastifyMqtt, { url: `mqtt://127.0.0.1:${await freePort()}` })
    const error = await app.ready().then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(MqttConnectError)
    expect(error).toMatchObject({ failure: 'unreachable' })
    expect(app.mqtt.healthy()).toBe(false)
    expect(() => app.mqtt.client).toThrow(/closed/)
  })

  it('rejects ready() with MqttConnectError before the plugin timeout when the broker never answers', async () => {
    const broker = await silentServer()
    const { app } = testApp({ pluginTimeout: 3000 })
    await app.register(fastifyMqtt, { url: broker.url })
    const error = await app.ready().then(
      () => undefined,
      (reason: unknown) => reason,
    )
    // Fastify's own timeout would be FST_ERR_HOOK_TIMEOUT / AVV_ERR_READY_TIMEOUT instead.
    expect(error).toBeInstanceOf(MqttConnectError)
    expect(error).toMatchObject({ failure: 'timeout' })
    expect((error as Error).message).toMatch(/within connectTimeout \(2000 ms\)/)
    await vi.waitFor(() => expect(broker.sockets.size).toBe(0)) // the attempt left no socket open
  })

  it('takes connectTimeout as given', async () => {
    const broker = await silentServer()
    const { app } = testApp()
    await app.register(fastifyMqtt, { url: broker.url, connectTimeout: 300 })
    await expect(app.ready()).rejects.toThrow(/within connectTimeout \(300 ms\)/)
  })

  it('lets app.close() finish after a failed connect', async () => {
    const { app } = testApp()
    await app.register(fastifyMqtt, { url: `mqtt://127.0.0.1:${await freePort()}` })
    await expect(app.ready()).rejects.toThrow(MqttConnectError)
    await expect(app.close()).resolves.toBeUndefined()
  })
})
