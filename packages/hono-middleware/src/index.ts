/**
 * Hono middleware and lifespan for `@await-mqtt/core`: a typed `c.var.mqtt`, an MQTT → Server-Sent
 * Events bridge with reference-counted subscriptions, and a graceful stop. Runs wherever Hono runs;
 * the `@hono/node-server` helper lives in `@await-mqtt/hono/node-server`.
 * @module
 */
export type { ClosableServer } from './close-server.js'
export type { MqttHandleOptions, MqttHandler, MqttHandlerContext } from './handler.js'
export {
  createMqttLifespan,
  type MqttLifespan,
  type MqttLifespanOptions,
  type MqttLifespanState,
  type MqttStopOptions,
} from './lifespan.js'
export { type MqttEnv, type MqttOptions, type MqttVariables, mqtt } from './middleware.js'
export { type MqttSSEOptions, mqttSSE, toSSEEvent } from './sse.js'
