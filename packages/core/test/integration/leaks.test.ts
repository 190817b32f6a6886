import { createServer, type Socket } from 'node:net'
import { freePort, startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client } from '../../src/index.js'

function resources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1
  for (const event of process.eventNames()) counts[`process:${String(event)}`] = process.listenerCount(event)
  return counts
}

/** Waits until the active handles and process listeners are back to `baseline`, or returns the difference. */
async function backTo(baseline: Record<string, number>): Promise<Record<string, number>> {
  let difference: Record<string, number> = {}
  for (let attempt = 0; attempt < 50; attempt++) {
    const now = resources()
    difference = {}
    for (const key of new Set([...Object.keys(now), ...Object.keys(baseline)])) {
      const delta = (now[key] ?? 0) - (baseline[key] ?? 0)
      if (delta > 0) difference[key] = delta
    }
    if (Object.keys(difference).length === 0) return difference
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return difference
}

describe('close leaves nothing behind', () => {
  it('after a session with streams, subscriptions and every QoS', async () => {
    await using broker = await startAedes()
    const baseline = resources()
    const client = await Client.connect(broker.url, { keepalive: 1 })
    const topic = uniqueTopic('leaks')
    const stream = client.messages()
    const subscription = await client.subscribe(topic, { qos: 2 })
    for (const qos of [0, 1, 2] as const) await client.publish(topic, 'x', { qos })
    const reading = (async () => {
      let count = 0
      for await (const _ of subscription) count++
      return count
    })()
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    await client.close()
    expect(await reading).toBe(3)
    let buffered = 0
    for await (const _ of stream) buffered++
    expect(buffered).toBe(3)
    expect(await backTo(baseline)).toEqual({})
  })

  it('after the connection was lost', async () => {
    await using broker = await startAedes()
    const baseline = resources()
    const client = await Client.connect(broker.url)
    const stream = client.messages()
    broker.dropConnections()
    await expect(stream.next()).rejects.toThrow()
    await client.close()
    expect(await backTo(baseline)).toEqual({})
  })

  it('after failed connection attempts (refused, unreachable, silent broker, fallback)', async () => {
    await using broker = await startAedes()
    const sockets = new Set<Socket>()
    const silent = createServer((socket) => {
      sockets.add(socket)
      socket.on('error', () => {})
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    onTestFinished(async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    })
    const address = silent.address()
    const silentPort = typeof address === 'object' && address ? address.port : 0
    const baseline = resources()
    await expect(Client.connect(broker.url, { protocolVersion: 5 })).rejects.toThrow()
    await expect(Client.connect(`mqtt://127.0.0.1:${await freePort()}`)).rejects.toThrow()
    await expect(Client.connect({ hostname: '127.0.0.1', port: silentPort, timeout: 100 })).rejects.toThrow()
    const fallback = await Client.connect(broker.url)
    await fallback.close()
    for (const socket of sockets) socket.destroy()
    expect(await backTo(baseline)).toEqual({})
  })
})
