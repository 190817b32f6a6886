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

/** One Server-Sent Event as a browser's EventSource sees it. */
export interface ReadEvent {
  event: string
  data: string
}

/** Parses an SSE body (`event:`/`data:` lines, comments skipped) into events. */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ReadEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true })
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n')
        buffer = buffer.slice(end + 2)
        const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6))
        if (data.length === 0) continue
        const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message'
        yield { event, data: data.join('\n') }
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

/** Pulls the next event from an event iterator; throws when the stream ended. */
export async function nextEvent(events: AsyncIterator<ReadEvent>): Promise<ReadEvent> {
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
