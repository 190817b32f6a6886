import { type FastifyMqttInstance, fastifyMqtt } from '@await-mqtt/fastify'
import Fastify from 'fastify'

// #region namespaces
declare module '@await-mqtt/fastify' {
  interface FastifyMqttNamespaces {
    backup: FastifyMqttInstance
  }
}

const app = Fastify()
await app.register(fastifyMqtt, { url: 'mqtt://primary.local' })
await app.register(fastifyMqtt, { url: 'mqtt://backup.local', namespace: 'backup' })
await app.ready()
await app.mqtt.publish('events/started', 'primary')
await app.mqtt.backup.publish('events/started', 'backup')
// #endregion namespaces
