import { Writable } from 'node:stream'
import { Client, type MessageStream } from '@await-mqtt/core'
import Fastify, { type FastifyInstance } from 'fastify'
import { onTestFinished } from 'vitest'

/** A broker the suite can reach by URL. */
export type StartBroker = () => Promise<{ url: string } & AsyncDisposable>

/** A Fastify app whose log lines (JSON) are kept in `logs`, closed after the test. */
export function testApp(options: { pluginTimeout?: number } = {}): {
  app: FastifyInstance
  logs: Array<Record<string, unknown>>
} {
  const logs: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') logs.push(JSON.parse(line))
      done()
    },
  })
  const app = Fastify({ logger: { level: 'warn', stream }, ...options })
  onTestFinished(() => app.close())
  return { app, logs }
}

/** Another client of the same broker, closed after the test. */
export async function peer(url: string): Promise<Client> {
  const client = await Client.connect(url)
  onTestFinished(() => client.close())
  return client
}

/** The next message of `stream`, as text with its topic. */
export async function next(stream: MessageStream): Promise<{ topic: string; text: string }> {
  const { value, done } = await stream.next()
  if (done) throw new Error('the stream ended')
  return { topic: value.topic.value, text: value.text() }
}

/** Parses an SSE body (`event:`/`data:` lines, comments skipped) into events. */
export { serverSentEvents as readEvents } from '@await-mqtt/test-utils'

import type { ServerSentEvent } from '@await-mqtt/test-utils'

/** Pulls the next event from an event iterator; throws when the stream ended. */
export async function nextEvent(events: AsyncIterator<ServerSentEvent>): Promise<ServerSentEvent> {
  const { value, done } = await events.next()
  if (done) throw new Error('the event stream ended')
  return value
}

/** `Promise.withResolvers()`, which Node 20 lacks. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}
