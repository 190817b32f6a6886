import * as v from 'valibot'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import type { Client, Message, MessageStream, Responder, Subscription, Validated } from '../../src/index.js'

declare const client: Client
declare const message: Message
const Reading = z.object({ celsius: z.number(), room: z.string().default('hall') })

describe('typed payloads and request/response types', () => {
  it('json(schema) resolves to the schema output; json<T>() stays an unchecked cast', () => {
    expectTypeOf(message.json(Reading)).toEqualTypeOf<Promise<{ celsius: number; room: string }>>()
    expectTypeOf(message.json(v.object({ n: v.number() }))).toEqualTypeOf<Promise<{ n: number }>>()
    expectTypeOf(message.json<{ a: 1 }>()).toEqualTypeOf<{ a: 1 }>()
    // @ts-expect-error a schema must implement Standard Schema
    void message.json({ parse: () => 1 })
  })

  it('messages/subscribe with a schema yield Validated items; without, messages', async () => {
    expectTypeOf(client.messages('a/#')).toMatchTypeOf<MessageStream>() // Message<{}>: no named wildcards
    expectTypeOf(client.messages('a/#', { schema: Reading })).toEqualTypeOf<
      MessageStream<Validated<{ celsius: number; room: string }>>
    >()
    expectTypeOf(
      await client.subscribe('a/#', { qos: 1, schema: v.number(), invalid: 'skip' }),
    ).toEqualTypeOf<Subscription<Validated<number>>>()
    expectTypeOf(await client.subscribe('a/#')).toMatchTypeOf<Subscription>()
    // @ts-expect-error invalid is 'error' or 'skip'
    client.messages('a', { schema: Reading, invalid: 'ignore' })
  })

  it('request resolves to the response Message; respond to a Responder', async () => {
    expectTypeOf(client.request('svc', 'x', { timeout: 1_000, qos: 1 })).toEqualTypeOf<Promise<Message>>()
    expectTypeOf(await client.respond('svc', (request) => request.payload)).toEqualTypeOf<Responder>()
    expectTypeOf(client.reply(message, 'ok')).toEqualTypeOf<Promise<void>>()
    // @ts-expect-error the client sets the correlation data of a request
    void client.request('svc', 'x', { properties: { correlationData: new Uint8Array() } })
  })
})
