import { MqttClientClosedError, MqttValidationError } from '@await-mqtt/core'
import Fastify from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import fastifyMqtt, { fastifyMqtt as named } from '../src/index.js'

/** Nothing here connects: the plugin only connects in onReady, and these apps are never made ready. */
const url = 'mqtt://127.0.0.1:1'

function app() {
  const instance = Fastify()
  onTestFinished(() => instance.close())
  return instance
}

describe('registration', () => {
  it('exports the plugin both as default and by name, wrapped by fastify-plugin', () => {
    expect(named).toBe(fastifyMqtt)
    const meta = (fastifyMqtt as unknown as Record<symbol, { name: string; fastify: string }>)[
      Symbol.for('plugin-meta')
    ]
    expect(meta).toMatchObject({ name: '@await-mqtt/fastify', fastify: '5.x' })
  })

  it('decorates app.mqtt at registration, and it throws a clear error until the app is ready', async () => {
    const fastify = app()
    await fastify.register(fastifyMqtt, { url })
    expect(fastify.mqtt.connected).toBe(false)
    expect(fastify.mqtt.healthy()).toBe(false)
    expect(() => fastify.mqtt.client).toThrow(MqttClientClosedError)
    expect(() => fastify.mqtt.client).toThrow(/not connected yet; await app.ready\(\)/)
    await expect(fastify.mqtt.publish('a/b', 'c')).rejects.toThrow(/not connected yet/)
    expect(() => fastify.mqtt.messages('a/#')).toThrow(MqttClientClosedError)
  })

  it('fails a second default registration with a clear error', async () => {
    const fastify = app()
    await fastify.register(fastifyMqtt, { url })
    await expect(fastify.register(fastifyMqtt, { url })).rejects.toThrow(
      '@await-mqtt/fastify has already been registered',
    )
  })

  it('fails a duplicate namespace, and a namespace that would hide a member of app.mqtt', async () => {
    const fastify = app()
    await fastify.register(fastifyMqtt, { url, namespace: 'backup' })
    await expect(fastify.register(fastifyMqtt, { url, namespace: 'backup' })).rejects.toThrow(
      "namespace 'backup' has already been registered",
    )
    // A failed registration leaves the app failed: try the next mistake on a fresh one.
    await expect(app().register(fastifyMqtt, { url, namespace: 'publish' })).rejects.toThrow(/reserved/)
  })

  it('allows the default instance after namespaced ones, and says which is missing before that', async () => {
    const fastify = app()
    await fastify.register(fastifyMqtt, { url, namespace: 'backup' })
    const namespaces = fastify.mqtt as unknown as Record<string, typeof fastify.mqtt>
    expect(namespaces.backup?.connected).toBe(false)
    expect(() => fastify.mqtt.client).toThrow(/registered only with a namespace/)
    expect(() => fastify.mqtt.handle('a/b', () => {})).toThrow(/use app.mqtt.<namespace>.handle/)
    await fastify.register(fastifyMqtt, { url })
    expect(() => fastify.mqtt.client).toThrow(/not connected yet/)
  })

  it('rejects invalid options at registration with MqttValidationError', async () => {
    await expect(app().register(fastifyMqtt, { url, closeTimeout: -1 })).rejects.toThrow(MqttValidationError)
    await expect(app().register(fastifyMqtt, { url, connectTimeout: Number.NaN })).rejects.toThrow(
      /connectTimeout/,
    )
    // @ts-expect-error: not a Client, as plain JavaScript could pass
    await expect(app().register(fastifyMqtt, { client: {} })).rejects.toThrow(/client must be a Client/)
    await expect(app().register(fastifyMqtt, { url, subscriptions: { 'a/#/b': () => {} } })).rejects.toThrow(
      /invalid subscription filter a\/#\/b/,
    )
  })

  it('validates handler filters synchronously, named wildcards included', async () => {
    const fastify = app()
    await fastify.register(fastifyMqtt, { url })
    expect(() => fastify.mqtt.handle('sensors/+id/+id', () => {})).toThrow(MqttValidationError)
    expect(() => fastify.mqtt.handle('sensors/#rest/x', () => {})).toThrow(MqttValidationError)
    expect(() => fastify.mqtt.handle('$share//jobs/+', () => {})).toThrow(MqttValidationError)
    expect(() => fastify.mqtt.handle('sensors/+id/#rest', () => {})).not.toThrow()
    expect(() => fastify.mqtt.handle('$share/workers/jobs/+id', () => {})).not.toThrow()
  })
})
