import {
  type Message,
  type MessageStream,
  MqttValidationError,
  type QueueOptions,
  type SharedStreamOptions,
} from '@await-mqtt/core'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { type SSEMessage, streamSSE } from 'hono/streaming'
import { Lifespan, type MqttLifespan } from './lifespan.js'
import { lifespanOf } from './middleware.js'

/**
 * Options of {@link mqttSSE}, the same as `app.mqtt.sse()`'s in `@await-mqtt/fastify`: `qos` of the
 * shared broker subscription (the first stream of a filter subscribes, with its QoS), and
 * `maxQueued` / `overflow` bounding each stream's own queue, for a browser that reads slower than
 * messages arrive (it drops its own messages; the others and the client go on).
 * @default queue bounds: the client's
 * @example
 * mqttSSE(c, 'alerts/#', { qos: 1, keepAlive: 30_000, maxQueued: 100, overflow: 'drop-oldest' })
 */
export interface MqttSSEOptions extends SharedStreamOptions {
  /** Turns a message into an SSE event; return `undefined` to skip the message. @default {@link toSSEEvent} */
  format?: (message: Message) => SSEMessage | undefined
  /** Milliseconds between `: keep-alive` comments that keep proxies from closing the stream; 0 sends none. @default 15000 */
  keepAlive?: number
  /**
   * @deprecated Give `maxQueued` and `overflow` directly (as in `@await-mqtt/fastify`); these are
   * used where those are not given.
   */
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
  const {
    format = toSSEEvent,
    keepAlive = 15_000,
    queue = {},
    lifespan = lifespanOf(c),
    ...streamOptions
  } = options
  if (!(lifespan instanceof Lifespan)) {
    throw new MqttValidationError(
      lifespan === undefined
        ? 'mqttSSE needs a lifespan: use the mqtt(lifespan) middleware on this route or pass { lifespan }'
        : 'mqttSSE needs a lifespan made by createMqttLifespan()',
      'lifespan',
    )
  }
  let shared: ReturnType<Lifespan['shared']>
  try {
    shared = lifespan.shared()
  } catch (error) {
    throw unavailable(error)
  }
  // The deprecated `queue` gives the bounds the options do not.
  const messages = await shared.open(filter, { ...queue, ...streamOptions })
  return streamSSE(
    c,
    (stream) => pump(stream, messages, lifespan.signal, filter, format, keepAlive, nodeResponse(c)),
    // The error (a lost connection) reaches the browser as an `error` event, then the stream ends.
    async () => {},
  )
}

/** What {@link pump} needs of a Node response: `c.env.outgoing` on `@hono/node-server`. */
interface NodeResponse {
  readonly writableNeedDrain: boolean
  destroy(): void
}

/** The Node response behind `c` on `@hono/node-server`; `undefined` on other runtimes. */
function nodeResponse(c: Context): NodeResponse | undefined {
  const env: unknown = c.env
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return undefined
  const { outgoing } = env
  return typeof outgoing === 'object' &&
    outgoing !== null &&
    'destroy' in outgoing &&
    typeof outgoing.destroy === 'function' &&
    'writableNeedDrain' in outgoing
    ? (outgoing as NodeResponse)
    : undefined
}

/**
 * Writes the events until the browser leaves, the stream fails or the lifespan stops. Stopping
 * never waits for a browser that does not read: a write still pending is aborted, and on Node a
 * response backed up in the socket is destroyed (what the browser did not read it would not have
 * read), so the server can close at once instead of at `stop()`'s deadline.
 */
async function pump(
  stream: Parameters<Parameters<typeof streamSSE>[1]>[0],
  messages: MessageStream,
  signal: AbortSignal,
  filter: string,
  format: (message: Message) => SSEMessage | undefined,
  keepAlive: number,
  response: NodeResponse | undefined,
): Promise<void> {
  let writing = false
  const write = async (event: SSEMessage) => {
    writing = true
    try {
      await stream.writeSSE(event)
    } finally {
      writing = false
    }
  }
  const end = () => messages.close()
  const stop = () => {
    messages.close()
    if (writing) stream.abort()
    if (response?.writableNeedDrain) response.destroy()
  }
  stream.onAbort(end)
  signal.addEventListener('abort', stop)
  const ping = keepAlive > 0 ? setInterval(() => void stream.write(': keep-alive\n\n'), keepAlive) : undefined
  try {
    if (signal.aborted || stream.aborted) return
    await write({ event: 'subscribed', data: JSON.stringify({ filter }) })
    for await (const message of messages) {
      const event = format(message)
      if (event !== undefined) await write(event)
    }
  } finally {
    clearInterval(ping)
    signal.removeEventListener('abort', stop)
    messages.close()
  }
}
