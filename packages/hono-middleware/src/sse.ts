import { type Message, MqttValidationError, type QoS, type QueueOptions } from '@await-mqtt/core'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { type SSEMessage, streamSSE } from 'hono/streaming'
import { lifespanInternals, type MqttLifespan } from './lifespan.js'
import { lifespanOf } from './middleware.js'

/**
 * Options of {@link mqttSSE}.
 * @example
 * mqttSSE(c, 'alerts/#', { qos: 1, keepAlive: 30_000, queue: { maxQueued: 100, overflow: 'drop-oldest' } })
 */
export interface MqttSSEOptions {
  /** QoS of the broker subscription; the first stream of a filter subscribes, with its QoS. @default 0 */
  qos?: QoS
  /** Turns a message into an SSE event; return `undefined` to skip the message. @default {@link toSSEEvent} */
  format?: (message: Message) => SSEMessage | undefined
  /** Milliseconds between `: keep-alive` comments that keep proxies from closing the stream; 0 sends none. @default 15000 */
  keepAlive?: number
  /** Bounds of this stream's queue, for a browser that reads slower than messages arrive. @default the client's */
  queue?: QueueOptions
  /** The lifespan to stream from. @default the one the {@link mqtt} middleware ran with for this request */
  lifespan?: MqttLifespan
}

/**
 * The default SSE event of a message: no event name (so `EventSource.onmessage` gets it) and JSON
 * data `{ topic, payload, retain }` with the payload as UTF-8 text.
 * @example
 * mqttSSE(c, 'sensors/#', { format: (m) => ({ ...toSSEEvent(m), event: m.topic.levels[1] }) })
 */
export function toSSEEvent(message: Message): SSEMessage {
  return {
    data: JSON.stringify({ topic: message.topic.value, payload: message.text(), retain: message.retain }),
  }
}

function unavailable(error: unknown): HTTPException {
  return new HTTPException(503, { message: (error as Error).message, cause: error })
}

/**
 * Streams the messages that match `filter` as Server-Sent Events (hono's `streamSSE`). The first
 * event is `subscribed` (data `{ "filter": ... }`) once the broker granted the subscription; then one
 * event per message (see {@link toSSEEvent}). Broker subscriptions are shared and reference-counted
 * per filter: one browser leaving does not unsubscribe another; the last one leaving unsubscribes.
 * The stream ends when the browser leaves, when the lifespan stops, or (after an `error` event)
 * when the connection is lost. Retained messages reach the stream whose SUBSCRIBE brought them.
 *
 * @throws `HTTPException` 503 while the lifespan is not running.
 * @throws `MqttValidationError` for an invalid filter (or no lifespan); `MqttCodeError` when the
 * broker refuses the subscription. Both reach `app.onError`, before any byte of the stream is sent.
 * @example
 * app.use(mqtt(lifespan))
 * app.get('/rooms/:room/events', (c) => mqttSSE(c, `chat/${c.req.param('room')}/#`))
 */
export async function mqttSSE(c: Context, filter: string, options: MqttSSEOptions = {}): Promise<Response> {
  const { qos = 0, format = toSSEEvent, keepAlive = 15_000, queue, lifespan = lifespanOf(c) } = options
  const internals = lifespan && lifespanInternals(lifespan)
  if (lifespan === undefined || internals === undefined) {
    throw new MqttValidationError(
      'mqttSSE needs a lifespan: use the mqtt(lifespan) middleware on this route or pass { lifespan }',
      'lifespan',
    )
  }
  let client: MqttLifespan['client']
  let pool: ReturnType<typeof internals.pool>
  try {
    client = lifespan.client
    pool = internals.pool()
  } catch (error) {
    throw unavailable(error)
  }
  // The stream exists before the SUBSCRIBE, so retained messages it brings are not missed.
  const messages = client.messages(filter, queue)
  let release: () => Promise<void>
  try {
    release = await pool.acquire(filter, qos)
  } catch (error) {
    messages.close()
    throw error
  }

  return streamSSE(
    c,
    async (stream) => {
      const end = () => messages.close()
      stream.onAbort(end)
      lifespan.signal.addEventListener('abort', end)
      const ping =
        keepAlive > 0 ? setInterval(() => void stream.write(': keep-alive\n\n'), keepAlive) : undefined
      try {
        if (lifespan.signal.aborted || stream.aborted) return
        await stream.writeSSE({ event: 'subscribed', data: JSON.stringify({ filter }) })
        for await (const message of messages) {
          const event = format(message)
          if (event !== undefined) await stream.writeSSE(event)
        }
      } finally {
        clearInterval(ping)
        lifespan.signal.removeEventListener('abort', end)
        messages.close()
        void release()
      }
    },
    // The error (a lost connection) reaches the browser as an `error` event, then the stream ends.
    async () => {},
  )
}
