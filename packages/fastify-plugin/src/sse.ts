import { PassThrough } from 'node:stream'
import type { Message, MessageStream, SharedStreamOptions, SharedSubscriptions } from '@await-mqtt/core'
import type { FastifyReply } from 'fastify'
import { stopSignal, type Task } from './task.js'

/**
 * One Server-Sent Event.
 * @example
 * const event: SSEEvent = { event: 'reading', id: '42', data: JSON.stringify({ celsius: 21.5 }) }
 */
export interface SSEEvent {
  /** The event name (`EventSource.addEventListener(name, ...)`); none means `message`. */
  event?: string
  /** The data; newlines become several `data:` lines, as the SSE format wants. */
  data: string
  /** The event id (`Last-Event-ID`). */
  id?: string
}

/**
 * Options of `app.mqtt.sse()`, the same as `mqttSSE()`'s in `@await-mqtt/hono`: `qos` of the shared
 * broker subscription (the first browser of a filter subscribes, with its QoS), and `maxQueued` /
 * `overflow` bounding each browser's own queue (a browser that reads slower than messages arrive
 * drops its own messages; the others and the client go on). @default queue bounds: the client's
 * @example
 * app.get('/events', (request, reply) => app.mqtt.sse(reply, 'sensors/#', { qos: 1, keepAlive: 30_000, maxQueued: 100 }))
 */
export interface MqttSSEOptions extends SharedStreamOptions {
  /** Turns a message into an event; return `undefined` to skip the message. @default {@link toSSEEvent} */
  format?: (message: Message) => SSEEvent | undefined
  /** Milliseconds between `: keep-alive` comments that keep proxies from closing the stream; 0 sends none. @default 15000 */
  keepAlive?: number
}

/**
 * The default event of a message: no event name (so `EventSource.onmessage` gets it) and JSON data
 * `{ topic, payload, retain }`, the payload as UTF-8 text.
 * @example
 * app.mqtt.sse(reply, 'sensors/#', { format: (m) => ({ ...toSSEEvent(m), event: m.topic.levels[1] }) })
 */
export function toSSEEvent(message: Message): SSEEvent {
  return {
    data: JSON.stringify({ topic: message.topic.value, payload: message.text(), retain: message.retain }),
  }
}

const lineBreak = /\r\n|\r|\n/

/** Serialises one event in the `text/event-stream` format. */
export function encodeSSE({ event, data, id }: SSEEvent): string {
  let text = ''
  if (event !== undefined) text += `event: ${event.replace(/[\r\n]/g, '')}\n`
  if (id !== undefined) text += `id: ${id.replace(/[\r\n]/g, '')}\n`
  for (const line of data.split(lineBreak)) text += `data: ${line}\n`
  return `${text}\n`
}

/**
 * Writes `chunk`, waiting for the browser to read when the buffer is full, or for the stream to
 * close (the browser left, or stop destroyed a stream the browser does not read). Never rejects.
 */
async function write(body: PassThrough, chunk: string): Promise<void> {
  if (body.destroyed || body.writableEnded || body.write(chunk)) return
  await new Promise<void>((resolve) => {
    const done = () => {
      body.off('drain', done).off('close', done)
      resolve()
    }
    body.on('drain', done).on('close', done)
  })
}

/**
 * Sends the messages matching `filter` as Server-Sent Events on `reply`, from a shared broker
 * subscription (one per filter however many browsers; the last browser leaving unsubscribes). The
 * first event is `subscribed` (data `{ "filter": ... }`): the broker granted the subscription. A
 * failing stream (lost connection) sends an `error` event and ends. The browser leaving, or
 * `stop()`, ends the stream; stop never waits for a browser that does not read (its response is
 * destroyed: what it did not read it would not have read).
 * @throws what `subscribe()` throws, before anything is sent.
 */
export async function bridgeSSE(
  shared: SharedSubscriptions,
  reply: FastifyReply,
  filter: string,
  { format = toSSEEvent, keepAlive = 15_000, ...streamOptions }: MqttSSEOptions = {},
): Promise<Task> {
  const messages = await shared.open(filter, streamOptions)
  const body = new PassThrough()
  const stop = stopSignal()
  body.once('close', stop.resolve)
  const finished = new Promise<void>((resolve) => reply.raw.once('close', resolve))
  reply.raw.once('close', stop.resolve)
  void stop.promise.then(() => {
    messages.close()
    // Backed up (the PassThrough, or the response behind it): the browser does not read, and
    // ending gracefully would wait for it.
    if (body.writableNeedDrain || reply.raw.writableNeedDrain) {
      body.destroy()
      reply.raw.destroy()
    }
  })
  const pump = run(messages, body, filter, format, keepAlive, reply)
  reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('x-accel-buffering', 'no')
    .send(body)
  return { stop: stop.resolve, done: pump.then(() => finished) }
}

async function run(
  messages: MessageStream,
  body: PassThrough,
  filter: string,
  format: (message: Message) => SSEEvent | undefined,
  keepAlive: number,
  reply: FastifyReply,
): Promise<void> {
  const ping = keepAlive > 0 ? setInterval(() => void write(body, ': keep-alive\n\n'), keepAlive) : undefined
  try {
    await write(body, encodeSSE({ event: 'subscribed', data: JSON.stringify({ filter }) }))
    for await (const message of messages) {
      const event = format(message)
      if (event !== undefined) await write(body, encodeSSE(event))
    }
  } catch (error) {
    reply.log.warn({ err: error, filter }, 'MQTT SSE stream failed')
    const message = error instanceof Error ? error.message : String(error)
    await write(body, encodeSSE({ event: 'error', data: JSON.stringify({ message }) }))
  } finally {
    clearInterval(ping)
    messages.close()
    body.end()
  }
}
