import { Client, type Logger, MqttCodeError, MqttValidationError } from '@await-mqtt/core'
import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { createMqttLifespan } from '../../src/index.js'

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {}
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

/** A logger that records its errors. */
function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = []
  const ignore = () => {}
  return {
    errors,
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (_fields: object, message?: string) => errors.push(message ?? ''),
  }
}

describe('lifespan.handle() (aedes)', () => {
  it('subscribes on start with the plain filter, gives params, and goes on after a handler error', async () => {
    await using broker = await startAedes()
    const root = uniqueTopic('hono-handle')
    const logger = recordingLogger()
    await using lifespan = createMqttLifespan({ url: broker.url, logger })
    const seen: string[] = []
    const two = deferred()
    lifespan.handle(
      `${root}/+room/temperature`,
      async (message, { params }) => {
        if (message.text() === 'bad') throw new Error('cannot parse')
        seen.push(`${params.room}=${message.text()}`)
        if (seen.length === 2) two.resolve()
      },
      { qos: 1 },
    )
    await lifespan.start()
    await using publisher = await Client.connect(broker.url)
    await publisher.publish(`${root}/kitchen/temperature`, '21', { qos: 1 })
    await publisher.publish(`${root}/hall/temperature`, 'bad', { qos: 1 })
    await publisher.publish(`${root}/attic/temperature`, '30', { qos: 1 })
    await two.promise
    expect(seen).toEqual(['kitchen=21', 'attic=30'])
    expect(logger.errors).toEqual(['MQTT subscription handler failed'])
  })

  it('stop() lets the message being handled finish before the client closes', async () => {
    await using broker = await startAedes()
    const topic = uniqueTopic('hono-handle-stop')
    const lifespan = createMqttLifespan(broker.url)
    const handling = deferred()
    const release = deferred()
    let finished = false
    lifespan.handle(topic, async (_message, { signal }) => {
      handling.resolve()
      await release.promise
      finished = signal.aborted // the stop came while it was handled
    })
    const client = await lifespan.start()
    await client.publish(topic, 'work', { qos: 1 })
    await handling.promise
    const stopped = lifespan.stop()
    release.resolve()
    await stopped
    expect(finished).toBe(true)
    expect(client.closed).toBe(true)
  })

  it('refuses an invalid filter at once, a late registration, and a refused filter at start', async () => {
    await using broker = await startAedes({
      authorizeSubscribe: (_client, subscription, callback) =>
        callback(null, subscription.topic.startsWith('forbidden/') ? null : subscription),
    })
    const lifespan = createMqttLifespan(broker.url)
    expect(() => lifespan.handle('a/+id/+id', () => {})).toThrow(MqttValidationError)
    lifespan.handle('forbidden/+id', () => {})
    await expect(lifespan.start()).rejects.toBeInstanceOf(MqttCodeError)
    expect(() => lifespan.handle('late', () => {})).toThrow(/before lifespan.start/)
  })
})
