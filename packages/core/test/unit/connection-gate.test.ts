import { describe, expect, it } from 'vitest'
import { MqttError, MqttTimeoutError } from '../../src/errors/errors.js'
import { ConnectionGate } from '../../src/session/connection-gate.js'

describe('ConnectionGate', () => {
  it('lets the waiting calls go on in order when opened', async () => {
    const gate = new ConnectionGate(10)
    const order: number[] = []
    const waiting = [1, 2, 3].map((n) =>
      gate.wait('publish', 1_000, undefined, true).then(() => order.push(n)),
    )
    expect(gate.waiting).toBe(3)
    gate.open()
    await Promise.all(waiting)
    expect(order).toEqual([1, 2, 3])
    expect(gate.waiting).toBe(0)
  })

  it('counts only publishes against the limit and refuses one more with QUEUE_OVERFLOW', async () => {
    const gate = new ConnectionGate(1)
    const first = gate.wait('publish', 1_000, undefined, true)
    const subscribe = gate.wait('subscribe', 1_000, undefined, false)
    const error = await gate.wait('publish to a', 1_000, undefined, true).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MqttError)
    expect((error as MqttError).code).toBe('QUEUE_OVERFLOW')
    gate.open()
    await Promise.all([first, subscribe])
    await expect(new ConnectionGate(0).wait('publish', 1_000, undefined, true)).rejects.toMatchObject({
      code: 'QUEUE_OVERFLOW',
    })
  })

  it('a waiting call times out, aborts or fails, and frees its place', async () => {
    const gate = new ConnectionGate(1)
    await expect(gate.wait('publish', 20, undefined, true)).rejects.toBeInstanceOf(MqttTimeoutError)
    const reason = new Error('stop')
    const controller = new AbortController()
    const aborted = gate.wait('publish', 1_000, controller.signal, true)
    controller.abort(reason)
    await expect(aborted).rejects.toBe(reason)
    await expect(gate.wait('publish', 1_000, AbortSignal.abort(reason), true)).rejects.toBe(reason)
    const failing = gate.wait('publish', Number.POSITIVE_INFINITY, undefined, true)
    const error = new Error('gave up')
    gate.fail(error)
    await expect(failing).rejects.toBe(error)
    expect(gate.waiting).toBe(0)
  })
})
