/**
 * Fastify 5 plugin for `@await-mqtt/core`: a typed `app.mqtt` that connects in `onReady`, closes in
 * `onClose`, runs subscription handlers and bridges topics to Server-Sent Events.
 * @module
 */
export type { FastifyMqttInstance } from './instance.js'
export type {
  FastifyMqttClientOptions,
  FastifyMqttCommonOptions,
  FastifyMqttConnectOptions,
  FastifyMqttOptions,
  MqttHandleOptions,
  MqttHandler,
  MqttHandlerContext,
  MqttHandlerEntry,
} from './options.js'
export { fastifyMqtt as default, fastifyMqtt } from './plugin.js'
export { type MqttSSEOptions, type SSEEvent, toSSEEvent } from './sse.js'
export type { FastifyMqtt, FastifyMqttNamespaces } from './types.js'
