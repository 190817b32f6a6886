import { describe, expectTypeOf, it } from 'vitest'
import type {
  AckMode,
  Client,
  ClientOptions,
  ClientState,
  ConnectionEvent,
  ConnectionEvents,
  MqttError,
  ReconnectOptions,
  Subscription,
} from '../../src/index.js'

declare const client: Client

describe('reliability API types', () => {
  it('state is a union; events() is an async iterable of a discriminated union', () => {
    expectTypeOf(client.state).toEqualTypeOf<ClientState>()
    expectTypeOf<ClientState>().toEqualTypeOf<'connected' | 'reconnecting' | 'disconnected' | 'closed'>()
    expectTypeOf(client.events()).toEqualTypeOf<ConnectionEvents>()
    expectTypeOf<ConnectionEvents>().toExtend<AsyncIterable<ConnectionEvent>>()
    expectTypeOf<ConnectionEvents>().toExtend<AsyncDisposable>()
    const event = {} as ConnectionEvent
    if (event.type === 'disconnected') {
      expectTypeOf(event.cause).toEqualTypeOf<MqttError>()
      expectTypeOf(event.willReconnect).toEqualTypeOf<boolean>()
    }
    if (event.type === 'reconnecting') expectTypeOf(event.attempt).toEqualTypeOf<number>()
    if (event.type === 'connected') expectTypeOf(event.sessionPresent).toEqualTypeOf<boolean>()
  })

  it('reconnect and ack options', () => {
    expectTypeOf<ClientOptions['reconnect']>().toEqualTypeOf<boolean | ReconnectOptions | undefined>()
    expectTypeOf<ReconnectOptions['maxQueuedPublishes']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<ClientOptions['ack']>().toEqualTypeOf<AckMode | undefined>()
    expectTypeOf<AckMode>().toEqualTypeOf<'on-receipt' | 'after-processing' | 'manual'>()
    // @ts-expect-error not an ack mode
    const bad: ClientOptions = { ack: 'never' }
    void bad
  })

  it('a Subscription tells how many messages wait and how many were dropped', () => {
    expectTypeOf<Subscription['queued']>().toEqualTypeOf<number>()
    expectTypeOf<Subscription['dropped']>().toEqualTypeOf<number>()
  })
})
