import { Client, MqttValidationError } from '@await-mqtt/core'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { MqttInstance } from './instance.js'
import { type ClientSource, InstanceState } from './instance-state.js'
import type { FastifyMqttOptions } from './options.js'
import type { FastifyMqtt } from './types.js'

/** The default `connectTimeout`: a second below Fastify's plugin timeout, at most 8 s. */
export function defaultConnectTimeout(pluginTimeout: number | undefined): number {
  if (pluginTimeout === undefined || pluginTimeout <= 0) return 8000
  return pluginTimeout > 2000 ? Math.min(pluginTimeout - 1000, 8000) : Math.ceil(pluginTimeout / 2)
}

function checkTimeout(value: number, field: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new MqttValidationError(`${field} must be a positive number of milliseconds, not ${value}`, field)
  }
  return value
}

/** `app.mqtt`, decorated by the first registration; later ones (with a namespace) add to it. */
function rootOf(fastify: FastifyInstance): { root: MqttInstance; state: InstanceState } {
  if (fastify.hasDecorator('mqtt')) {
    const root: unknown = fastify.mqtt
    const state = MqttInstance.stateOf(root)
    if (!(root instanceof MqttInstance) || state === undefined) {
      throw new MqttValidationError('app.mqtt is already decorated by something else', 'namespace')
    }
    return { root, state }
  }
  const state = new InstanceState('app.mqtt', fastify.log)
  const root = new MqttInstance(state)
  // The named instances of FastifyMqttNamespaces are defined on it as their registrations run.
  fastify.decorate('mqtt', root as MqttInstance & FastifyMqtt)
  return { root, state }
}

/** Claims the default instance, or a new named one, for this registration. */
function claim(
  fastify: FastifyInstance,
  namespace: string | undefined,
): { state: InstanceState; instance: MqttInstance } {
  const { root, state: rootState } = rootOf(fastify)
  if (namespace === undefined) {
    if (rootState.phase !== 'unregistered') {
      throw new MqttValidationError('@await-mqtt/fastify has already been registered', 'namespace')
    }
    return { state: rootState, instance: root }
  }
  if (typeof namespace !== 'string' || namespace === '') {
    throw new MqttValidationError('namespace must be a non-empty string', 'namespace')
  }
  if (Object.hasOwn(root, namespace)) {
    throw new MqttValidationError(
      `@await-mqtt/fastify: namespace '${namespace}' has already been registered`,
      'namespace',
    )
  }
  if (namespace in root) {
    throw new MqttValidationError(
      `namespace '${namespace}' is reserved: app.mqtt.${namespace} exists`,
      'namespace',
    )
  }
  const state = new InstanceState(`app.mqtt.${namespace}`, fastify.log.child({ mqttNamespace: namespace }))
  const instance = new MqttInstance(state)
  Object.defineProperty(root, namespace, { value: instance, enumerable: true })
  return { state, instance }
}

const plugin: FastifyPluginAsync<FastifyMqttOptions> = async (fastify, options) => {
  const {
    namespace,
    connectTimeout = defaultConnectTimeout(fastify.initialConfig.pluginTimeout),
    closeTimeout = 5000,
    subscriptions = {},
    client,
    closeClient = false,
    // Fastify's own register options are not client options.
    prefix: _prefix,
    logLevel: _logLevel,
    logSerializers: _logSerializers,
    ...clientOptions
  } = options as FastifyMqttOptions & { prefix?: unknown; logLevel?: unknown; logSerializers?: unknown }
  checkTimeout(connectTimeout, 'connectTimeout')
  checkTimeout(closeTimeout, 'closeTimeout')
  let source: ClientSource
  if (client === undefined) {
    source = { kind: 'connect', options: clientOptions, connectTimeout }
  } else if (!(client instanceof Client)) {
    throw new MqttValidationError('client must be a Client from @await-mqtt/core', 'client')
  } else if (Object.values(clientOptions).some((value) => value !== undefined)) {
    throw new MqttValidationError('pass either a client or client options (url, ...), not both', 'client')
  } else {
    source = { kind: 'given', client, closeClient }
  }

  const { state, instance } = claim(fastify, namespace)
  state.register(source, closeTimeout)
  for (const [filter, entry] of Object.entries(subscriptions)) {
    if (typeof entry === 'function') instance.handle(filter, entry)
    else {
      const { handler, ...handleOptions } = entry
      instance.handle(filter, handler, handleOptions)
    }
  }

  fastify.addHook('onReady', () => state.start())
  fastify.addHook('preClose', () => state.stop())
  fastify.addHook('onClose', () => state.close())
}

/**
 * The Fastify 5 plugin: decorates `app.mqtt` with a client that connects in `onReady` (so
 * `app.ready()` rejects with `MqttConnectError` when the broker refuses or does not answer), runs
 * subscription handlers, bridges topics to Server-Sent Events, and closes in `onClose` after
 * in-flight publishes, within `closeTimeout`.
 * @example
 * import fastifyMqtt from '@await-mqtt/fastify'
 *
 * const app = Fastify({ logger: true })
 * await app.register(fastifyMqtt, { url: 'mqtt://localhost' })
 * app.mqtt.handle('sensors/+id/temperature', (message, { params, log }) => log.info({ id: params.id }, message.text()))
 * app.post('/lights', async (request, reply) => {
 *   await app.mqtt.publish('lights/hall', 'on', { qos: 1 })
 *   return reply.code(204).send()
 * })
 * app.get('/events', (request, reply) => app.mqtt.sse(reply, 'sensors/#'))
 * await app.listen({ port: 3000 })
 */
export const fastifyMqtt = fp(plugin, { fastify: '5.x', name: '@await-mqtt/fastify' })
