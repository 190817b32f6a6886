import { describe, expect, it } from 'vitest'
import { MqttTimeoutError, MqttValidationError } from '../../src/errors/errors.js'
import { Message } from '../../src/incoming/message.js'
import { BufferedMessageStream } from '../../src/incoming/message-stream.js'

const message = (n: number) =>
  new Message({ topic: 't', payload: new TextEncoder().encode(String(n)), qos: 0 })
const stream = () => new BufferedMessageStream(undefined, { maxQueued: 10, overflow: 'drop-oldest' })

describe('stream.read({ signal, timeout })', () => {
  it('gives a queued message at once, and a later one when it comes', async () => {
    const messages = stream()
    messages.push(message(1))
    expect((await messages.read({ timeout: 1 }))?.text()).toBe('1')
    const pending = messages.read()
    messages.push(message(2))
    expect((await pending)?.text()).toBe('2')
  })

  it('rejects with MqttTimeoutError when nothing came in time, without losing the message that comes later', async () => {
    const messages = stream()
    const error = await messages.read({ timeout: 20 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MqttTimeoutError)
    expect(error).toMatchObject({ timeout: 20, code: 'TIMEOUT' })
    messages.push(message(3)) // the read that gave up does not take it
    expect(messages.queued).toBe(1)
    expect((await messages.read())?.text()).toBe('3')
  })

  it("rejects with the signal's reason when it aborts, before or during the read; the next read still works", async () => {
    const messages = stream()
    const controller = new AbortController()
    const pending = messages.read({ signal: controller.signal })
    controller.abort(new Error('stop waiting'))
    await expect(pending).rejects.toThrow('stop waiting')
    await expect(messages.read({ signal: controller.signal })).rejects.toThrow('stop waiting')
    messages.push(message(4))
    expect((await messages.read({ signal: new AbortController().signal }))?.text()).toBe('4')
  })

  it('gives undefined once the stream ended, and what ended it with an error', async () => {
    const ended = stream()
    const pending = ended.read({ timeout: 10_000 })
    ended.close()
    expect(await pending).toBeUndefined()
    expect(await ended.read()).toBeUndefined()
    const failed = stream()
    failed.end(new Error('connection lost'))
    await expect(failed.read()).rejects.toThrow('connection lost')
  })

  it('refuses a bad timeout or signal with MqttValidationError', async () => {
    const messages = stream()
    await expect(messages.read({ timeout: -1 })).rejects.toBeInstanceOf(MqttValidationError)
    await expect(messages.read({ signal: 'soon' as unknown as AbortSignal })).rejects.toMatchObject({
      field: 'signal',
    })
  })
})
