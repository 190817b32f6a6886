import type { FastifyMqttInstance } from './instance.js'

/**
 * The named instances your app registers (`namespace` option), for the types of `app.mqtt.<name>`.
 * Empty by default: augment it with one `name: FastifyMqttInstance` entry per namespace.
 * @example
 * declare module '@await-mqtt/fastify' {
 *   interface FastifyMqttNamespaces { backup: FastifyMqttInstance }
 * }
 * app.register(fastifyMqtt, { url: 'mqtt://backup.local', namespace: 'backup' })
 * await app.mqtt.backup.publish('a/b', 'c')
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface users augment by declaration merging
export interface FastifyMqttNamespaces {}

/**
 * The type of `app.mqtt`: the default instance, plus the named ones declared in
 * {@link FastifyMqttNamespaces}.
 * @example
 * function audit(mqtt: FastifyMqtt) { return mqtt.publish('audit', 'started') }
 */
export type FastifyMqtt = FastifyMqttInstance & Readonly<FastifyMqttNamespaces>

declare module 'fastify' {
  interface FastifyInstance {
    /** The MQTT client(s) registered by `@await-mqtt/fastify`. */
    mqtt: FastifyMqtt
  }
}
