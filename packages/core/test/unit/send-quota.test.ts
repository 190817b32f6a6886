import { describe, expect, it } from 'vitest'
import { MqttTimeoutError } from '../../src/errors/errors.js'
import { SendQuota } from '../../src/outgoing/send-quota.js'

describe('SendQuota (the broker receive maximum for QoS 1/2 publishes)', () => {
  it('lets limit calls in at once, the next ones in order as slots free up', async () => {
    const quota = new SendQuota()
    quota.setLimit(2)
    const first = quota.tryAcquire()
    const second = quota.tryAcquire()
    expect(first && second).toBeTruthy()
    expect(quota.tryAcquire()).toBeUndefined()
    const order: number[] = []
    const third = quota.acquire('publish', 1_000, undefined).then(() => order.push(3))
    const fourth = quota.acquire('publish', 1_000, undefined).then(() => order.push(4))
    first?.()
    first?.() // idempotent
    await third
    expect(order).toEqual([3])
    expect(quota.inFlight).toBe(2)
    second?.()
    await fourth
    expect(order).toEqual([3, 4])
  })

  it('no receive maximum means 65,535; a new CONNACK may raise the limit and wake waiters', async () => {
    const quota = new SendQuota()
    quota.setLimit(undefined)
    for (let n = 0; n < 65_535; n++) expect(quota.tryAcquire()).toBeDefined()
    expect(quota.tryAcquire()).toBeUndefined()
    const small = new SendQuota()
    small.setLimit(1)
    small.tryAcquire()
    const waiting = small.acquire('publish', 1_000, undefined)
    small.setLimit(2)
    await waiting
    expect(small.inFlight).toBe(2)
  })

  it('a waiting call times out, aborts or fails', async () => {
    const quota = new SendQuota()
    quota.setLimit(1)
    quota.tryAcquire()
    await expect(quota.acquire('publish', 20, undefined)).rejects.toBeInstanceOf(MqttTimeoutError)
    const reason = new Error('no')
    await expect(quota.acquire('publish', 1_000, AbortSignal.abort(reason))).rejects.toBe(reason)
    const failing = quota.acquire('publish', 1_000, undefined)
    quota.failAll(reason)
    await expect(failing).rejects.toBe(reason)
  })
})
