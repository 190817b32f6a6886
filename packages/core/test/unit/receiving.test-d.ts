import { describe, expectTypeOf, it } from 'vitest'
import type {
  Client,
  Message,
  MessageStream,
  PatternParams,
  ReadOptions,
  Subscription,
} from '../../src/index.js'

declare const client: Client

describe('named wildcards type message.params from the filter literal', () => {
  it('subscribe()', async () => {
    const subscription = await client.subscribe('sensors/+room/temperature')
    expectTypeOf(subscription).toEqualTypeOf<Subscription<Message<{ room: string }>>>()
    for await (const message of subscription) {
      expectTypeOf(message.params).toEqualTypeOf<{ room: string }>()
      expectTypeOf(message.params.room).toEqualTypeOf<string>()
      // @ts-expect-error no such name in the filter
      void message.params.floor
    }
    const shared = await client.subscribe('$share/workers/jobs/+kind/#rest')
    expectTypeOf(shared).toMatchTypeOf<Subscription<Message<{ kind: string; rest: string[] }>>>()
  })

  it('messages()', () => {
    const stream = client.messages('homes/+home/#path')
    expectTypeOf(stream).toEqualTypeOf<MessageStream<Message<{ home: string; path: string[] }>>>()
    expectTypeOf(client.messages()).toMatchTypeOf<MessageStream>()
    // a typed stream is still a MessageStream where one is expected
    expectTypeOf(stream).toMatchTypeOf<MessageStream>()
  })

  it('a filter that is not a literal gives loose params', () => {
    const filter: string = 'a/+b'
    expectTypeOf(client.messages(filter)).toEqualTypeOf<MessageStream<Message<PatternParams<string>>>>()
    expectTypeOf<PatternParams<string>>().toEqualTypeOf<Record<string, string | string[]>>()
  })
})

describe('reads and acknowledgements', () => {
  it('read() takes a signal and a timeout and gives a message or undefined', async () => {
    const stream = client.messages('a/+id')
    expectTypeOf(stream.read).parameter(0).toEqualTypeOf<ReadOptions | undefined>()
    expectTypeOf(await stream.read({ timeout: 5, signal: AbortSignal.timeout(5) })).toEqualTypeOf<
      Message<{ id: string }> | undefined
    >()
    const subscription = await client.subscribe('b')
    expectTypeOf(subscription.read()).toEqualTypeOf<Promise<Message<PatternParams<'b'>> | undefined>>()
    client.messages('a', { signal: AbortSignal.timeout(5), maxQueued: 2 })
    await client.subscribe('a', { signal: AbortSignal.timeout(5) })
  })

  it('message.ack() and message.reject(code)', () => {
    expectTypeOf<Message['ack']>().toEqualTypeOf<() => void>()
    expectTypeOf<Message['reject']>().parameter(0).toEqualTypeOf<number | undefined>()
  })
})
