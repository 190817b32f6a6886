import { afterEach, describe, expect, it, vi } from 'vitest'
import { MqttClientClosedError, MqttCodeError, MqttTimeoutError } from '../../src/errors/errors.js'
import { type Done, OutgoingCalls } from '../../src/outgoing/outgoing-calls.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('OutgoingCalls', () => {
  it('resolves with what the call reports', async () => {
    const calls = new OutgoingCalls()
    await expect(calls.run('x', 1000, undefined, (done: Done<number>) => done(undefined, 42))).resolves.toBe(
      42,
    )
    expect(calls.pending).toBe(0)
  })

  it('translates MQTT.js errors at the boundary', async () => {
    const calls = new OutgoingCalls()
    const refused = Object.assign(new Error('Publish error: Not authorized'), { code: 0x87 })
    const error = await calls
      .run('publish', 1000, undefined, (done) => done(refused))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MqttCodeError)
    expect((error as MqttCodeError).reasonCode).toBe(0x87)
  })

  it('canStart says whether a call run now is sent at once', async () => {
    const calls = new OutgoingCalls(1)
    expect(calls.canStart).toBe(true)
    let finish: (() => void) | undefined
    const first = calls.run(
      'x',
      10_000,
      undefined,
      (done: Done<void>) => {
        finish = () => done(undefined)
      },
      false,
    )
    expect(calls.canStart).toBe(false)
    finish?.()
    await first
    expect(calls.canStart).toBe(true)
  })

  it('a call that does not answer at once (answersAtOnce: false) is tracked, and still settles when it does', async () => {
    const calls = new OutgoingCalls()
    const result = calls.run('x', 1000, undefined, (done: Done<number>) => done(undefined, 7), false)
    await expect(result).resolves.toBe(7)
    expect(calls.pending).toBe(0)
    expect(calls.active).toBe(0)
  })

  it('never has more than the limit in flight, and runs the rest in order', async () => {
    const calls = new OutgoingCalls(2)
    const started: number[] = []
    const finishers: Array<() => void> = []
    const results = Array.from({ length: 5 }, (_, n) =>
      calls.run('x', 10_000, undefined, (done: Done<number>) => {
        started.push(n)
        expect(calls.active).toBeLessThanOrEqual(2)
        finishers.push(() => done(undefined, n))
      }),
    )
    expect(started).toEqual([0, 1])
    finishers.shift()?.()
    await Promise.resolve()
    expect(started).toEqual([0, 1, 2])
    while (finishers.length > 0) finishers.shift()?.()
    await expect(Promise.all(results)).resolves.toEqual([0, 1, 2, 3, 4])
  })

  it('times out with MqttTimeoutError', async () => {
    vi.useFakeTimers()
    const calls = new OutgoingCalls()
    const result = calls.run('publish to a', 50, undefined, () => {})
    vi.advanceTimersByTime(50)
    const error = await result.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MqttTimeoutError)
    expect((error as MqttTimeoutError).timeout).toBe(50)
    expect((error as Error).message).toBe('publish to a timed out after 50 ms')
  })

  it('rejects with the signal reason, at once when already aborted', async () => {
    const calls = new OutgoingCalls()
    let sent = 0
    const reason = new Error('stop')
    await expect(calls.run('x', 1000, AbortSignal.abort(reason), () => sent++)).rejects.toBe(reason)
    expect(sent).toBe(0)
    const controller = new AbortController()
    const pending = calls.run('x', 1000, controller.signal, () => sent++)
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    expect(sent).toBe(1)
  })

  it('a call that gives up while waiting for a slot is never sent', async () => {
    const calls = new OutgoingCalls(1)
    let release: () => void = () => {}
    const first = calls.run('x', 10_000, undefined, (done) => {
      release = () => done(undefined)
    })
    const controller = new AbortController()
    let sent = false
    const second = calls.run('x', 10_000, controller.signal, () => {
      sent = true
    })
    controller.abort()
    await expect(second).rejects.toThrow()
    release()
    await first
    expect(sent).toBe(false)
    expect(calls.active).toBe(0)
  })

  it('failAll rejects everything and idle() resolves', async () => {
    const calls = new OutgoingCalls(1)
    const a = calls.run('x', 10_000, undefined, () => {})
    const b = calls.run('x', 10_000, undefined, () => {})
    const idle = calls.idle()
    calls.failAll(new MqttClientClosedError())
    await expect(a).rejects.toBeInstanceOf(MqttClientClosedError)
    await expect(b).rejects.toBeInstanceOf(MqttClientClosedError)
    await idle
    expect(calls.pending).toBe(0)
  })

  describe('a call answered before send returns (a QoS 0 publish the socket took)', () => {
    it('settles without a timer and is never pending', async () => {
      vi.useFakeTimers()
      const calls = new OutgoingCalls(1)
      const result = calls.run('publish to a', 50, undefined, (done: Done<number>) => done(undefined, 7))
      expect(vi.getTimerCount()).toBe(0)
      expect(calls.pending).toBe(0)
      expect(calls.active).toBe(0)
      await expect(result).resolves.toBe(7)
      await expect(calls.run('x', 50, undefined, (done: Done<number>) => done(undefined, 8))).resolves.toBe(8)
    })

    it('rejects with the translated error, and a send that throws frees its slot', async () => {
      const calls = new OutgoingCalls(1)
      const refused = Object.assign(new Error('Publish error: Not authorized'), { code: 0x87 })
      await expect(calls.run('publish', 1000, undefined, (done) => done(refused))).rejects.toBeInstanceOf(
        MqttCodeError,
      )
      const thrown = await calls
        .run('publish', 1000, undefined, () => {
          throw new Error('boom')
        })
        .catch((e: unknown) => e)
      expect((thrown as Error).message).toContain('boom')
      expect(calls.active).toBe(0)
      await expect(calls.run('x', 1000, undefined, (done: Done<number>) => done(undefined, 1))).resolves.toBe(
        1,
      )
    })

    it('answered later, it is tracked: holds its slot, times out, fails with failAll', async () => {
      vi.useFakeTimers()
      const calls = new OutgoingCalls(1)
      let answer: Done<number> = () => {}
      const slow = calls.run('publish to a', 50, undefined, (done: Done<number>) => {
        answer = done
      })
      expect(calls.pending).toBe(1)
      expect(calls.active).toBe(1)
      let secondSent = false
      const second = calls.run('x', 10_000, undefined, (done: Done<number>) => {
        secondSent = true
        done(undefined, 2)
      })
      expect(secondSent).toBe(false)
      vi.advanceTimersByTime(50)
      await expect(slow).rejects.toBeInstanceOf(MqttTimeoutError)
      expect(secondSent).toBe(false)
      answer(undefined, 1)
      await expect(second).resolves.toBe(2)
      expect(calls.active).toBe(0)

      const third = calls.run('x', 10_000, undefined, () => {})
      calls.failAll(new MqttClientClosedError())
      await expect(third).rejects.toBeInstanceOf(MqttClientClosedError)
      expect(calls.pending).toBe(0)
    })

    it('answered later with a value, it resolves with that value', async () => {
      const calls = new OutgoingCalls()
      let answer: Done<string> = () => {}
      const result = calls.run('x', 10_000, undefined, (done: Done<string>) => {
        answer = done
      })
      answer(undefined, 'late')
      await expect(result).resolves.toBe('late')
      expect(calls.pending).toBe(0)
    })
  })
})
