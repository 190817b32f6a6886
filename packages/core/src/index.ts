/**
 * The idiomatic async/await MQTT client: `await using`, async iterators, typed errors, no callbacks.
 * Built on MQTT.js, which speaks the protocol.
 * @module
 */

/** The params a named-wildcard filter captures, e.g. `PatternParams<'sensors/+room'>` is `{ room: string }`. */
export type { PatternParams } from '@await-mqtt/topic-trie'
export { type AdoptedSession, type AdoptSessionOptions, adoptSession } from './adopt-session.js'
export { Client, type CloseOptions, type MessagesOptions } from './client.js'
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
} from './errors/errors.js'
export { MqttPayloadValidationError, type PayloadIssue } from './errors/payload-validation-error.js'
export { ConnackReturnCode, ReasonCode, type ReasonCodeName, reasonName } from './errors/reason-codes.js'
export { MqttUndeliverableError, type UndeliverableDetails } from './errors/undeliverable-error.js'
export { beforeDeadline } from './helpers/before-deadline.js'
export { Message, type MessageInit, type PublishProperties } from './incoming/message.js'
export type { MessageStream, ReadOptions } from './incoming/message-stream.js'
export { Topic } from './incoming/topic.js'
export type {
  InvalidPayloadPolicy,
  PayloadSchema,
  SchemaOptions,
  SchemaOutput,
} from './incoming/validate-payload.js'
export type { Validated } from './incoming/validating-stream.js'
export type {
  AckMode,
  AuthOptions,
  AuthResponse,
  BrokerOptions,
  BrokerTarget,
  CallOptions,
  ClientOptions,
  ConnectProperties,
  FailoverOptions,
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
} from './options/client-options.js'
export { encodePayload } from './outgoing/encode-payload.js'
export type { PublishOptions } from './outgoing/publish.js'
export type { TopicAliasMode } from './outgoing/topic-aliases.js'
export type { ReplyOptions } from './requests/reply.js'
export type { RequestOptions } from './requests/requester.js'
export type { RequestHandler, Responder, RespondOptions } from './requests/respond.js'
export type { ConnackInfo } from './session/connack-info.js'
export type {
  ClientState,
  ConnectionEvent,
  ConnectionEvents,
  ConnectionEventsOptions,
} from './session/connection-events.js'
export type { DisconnectProperties } from './session/disconnect-request.js'
export {
  type HandleMessagesOptions,
  handleMessages,
  type MessageSource,
} from './subscriptions/handle-messages.js'
export {
  type SharedStreamOptions,
  SharedSubscriptions,
  type SharedSubscriptionsOptions,
} from './subscriptions/shared-subscriptions.js'
export type { SubscribeFilter, SubscribeOptions, UnsubscribeOptions } from './subscriptions/subscribe.js'
export type { GrantedFilter, Subscription } from './subscriptions/subscription.js'
export { handlerFilter, subscriptionFilter } from './validation/subscription-filter.js'
export { type WithClientOptions, withClient } from './with-client.js'
