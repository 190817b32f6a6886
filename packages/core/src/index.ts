/**
 * The idiomatic async/await MQTT client: `await using`, async iterators, typed errors, no callbacks.
 * Built on MQTT.js, which speaks the protocol.
 * @module
 */
export { beforeDeadline } from './before-deadline.js'
export { Client, type CloseOptions } from './client.js'
export type {
  ClientState,
  ConnectionEvent,
  ConnectionEvents,
  ConnectionEventsOptions,
} from './connection-events.js'
export {
  type ClosedBy,
  type ConnectFailure,
  MqttClientClosedError,
  MqttCodeError,
  MqttConnectError,
  MqttConnectionLostError,
  type MqttConnectionLostErrorOptions,
  MqttError,
  type MqttErrorCode,
  type MqttErrorOptions,
  MqttTimeoutError,
  MqttValidationError,
} from './errors.js'
export { Message, type MessageInit, type PublishProperties } from './message.js'
export type { MessageStream } from './message-stream.js'
export type {
  AckMode,
  CallOptions,
  ClientOptions,
  ConnectProperties,
  Logger,
  OverflowPolicy,
  PayloadInput,
  ProxyOptions,
  QoS,
  QueueOptions,
  ReconnectOptions,
  SocketOptions,
  TlsOptions,
  UserProperties,
  WillOptions,
} from './options.js'
export { encodePayload } from './payload.js'
export type { PublishOptions } from './publish.js'
export { ConnackReturnCode, ReasonCode, type ReasonCodeName, reasonName } from './reason-codes.js'
export {
  type SharedStreamOptions,
  SharedSubscriptions,
  type SharedSubscriptionsOptions,
} from './shared-subscriptions.js'
export type { SubscribeOptions, UnsubscribeOptions } from './subscribe.js'
export type { GrantedFilter, Subscription } from './subscription.js'
export { Topic } from './topic.js'
export { MqttUndeliverableError, type UndeliverableDetails } from './undeliverable-error.js'
export { withClient } from './with-client.js'
