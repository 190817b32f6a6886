import { Client } from './client.js'
import { describeValue } from './errors/describe-value.js'
import { MqttConnectionLostError, MqttValidationError } from './errors/errors.js'
import type { Message } from './incoming/message.js'
import type { BrokerTarget, ClientOptions } from './options/client-options.js'
import { fail, integer, isRecord, string } from './options/field-checks.js'
import { checkFilters, checkTopic } from './validation/checks.js'

/** Options the adoption sets itself: a resumed MQTT 5 session, acknowledged after processing. */
type Fixed =
  | 'clientId'
  | 'clean'
  | 'ack'
  | 'reconnect'
  | 'connectInBackground'
  | 'protocolVersion'
  | 'overflow'

/**
 * Options of {@link adoptSession}: whose session, what to remove from it, how to process what it
 * holds, and the connection settings (credentials, TLS...) of a {@link ClientOptions}.
 * @example
 * await adoptSession(url, { clientId: deadWorker, unsubscribe: '$share/workers/jobs/#', handler: runJob })
 */
export interface AdoptSessionOptions extends Omit<ClientOptions, Fixed> {
  /** The client identifier whose session is taken over: the dead worker's. */
  clientId: string
  /**
   * The subscriptions to remove from that session before draining it — the worker's shared
   * filters (`$share/workers/jobs/#`), so the broker stops handing it new messages.
   */
  unsubscribe: string | readonly string[]
  /**
   * Processes one message the session held (its in-flight ones first, sent again with `dup`, then
   * the queued ones, in order), one at a time. Its acknowledgement leaves once it resolves, as with
   * `ack: 'after-processing'`.
   */
  handler: (message: Message) => unknown
  /**
   * Told when `handler` throws or rejects; the drain goes on (that message counts as processed).
   * @default the adoption stops and rejects with the error, and the session keeps what was not
   * processed (that message included)
   */
  onError?: (error: unknown, message: Message) => void
  /**
   * The topic of the end marker: subscribed on the adopted session and published to once the
   * UNSUBACK came; every message the session held before it arrives before it. It must be a topic
   * the broker lets this client subscribe and publish to, and no one else uses. Keep it the same
   * for every try at one session: the marker of a failed try, still queued in the session, is
   * then recognised and skipped rather than handed to `handler`.
   * @default `await-mqtt/adopt/` followed by the client id, URI-encoded
   */
  barrierTopic?: string
  /**
   * MQTT 5 CONNECT properties of the adopting connection. Give it a `receiveMaximum` no lower than
   * the dead client's (or none): mosquitto 2.0 sends a resumed session every message it had in
   * flight at once, whatever the new Receive Maximum, and the client closes a connection that
   * exceeds it at QoS 2 (0x93 Receive Maximum exceeded).
   */
  properties?: NonNullable<ClientOptions['properties']>
  /**
   * The Session Expiry Interval (seconds) sent while draining: if this process dies during the
   * adoption, the broker keeps what was not processed yet for this long. Ended (set to 0) once the
   * session is drained.
   * @default 3600
   */
  sessionExpiryInterval?: number
  /**
   * Longest wait for the broker's next message (or for the CONNACK, SUBACK, UNSUBACK, PUBACK), in
   * ms; past it the adoption rejects with `MqttTimeoutError` and the session keeps the rest.
   * @default 10000
   */
  timeout?: number
  /** Stops the adoption: it rejects with the signal's reason; the session keeps what was not processed. */
  signal?: AbortSignal
}

/** What {@link adoptSession} did. */
export interface AdoptedSession {
  /** Whether the broker still had the session (`false`: nothing to drain, someone took it over or it expired). */
  sessionPresent: boolean
  /** How many messages the handler processed (the end marker not counted). */
  handled: number
}

const fixed: readonly Fixed[] = ['clean', 'ack', 'reconnect', 'connectInBackground', 'overflow']

/** @throws {@link MqttValidationError} naming the field; nothing was sent. */
function checkAdoptOptions(options: unknown): asserts options is AdoptSessionOptions {
  if (!isRecord(options)) fail('options', 'must be an object: adoptSession needs one')
  string(options.clientId, 'clientId', { nonEmpty: true })
  if (options.clientId === undefined)
    fail('clientId', 'must be the client identifier of the session to adopt')
  try {
    checkFilters(options.unsubscribe)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new MqttValidationError(`unsubscribe: ${reason}`, 'unsubscribe', { cause: error })
  }
  if (typeof options.handler !== 'function') {
    fail('handler', `must be a function, not ${describeValue(options.handler)}`)
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    fail('onError', `must be a function, not ${describeValue(options.onError)}`)
  }
  if (options.barrierTopic !== undefined) checkTopic(options.barrierTopic, 'barrierTopic', true)
  // Not 0: the broker would drop what the session holds if this process died while draining.
  integer(options.sessionExpiryInterval, 'sessionExpiryInterval', 1, 0xffff_ffff)
  if (options.protocolVersion !== undefined && options.protocolVersion !== 5) {
    fail(
      'protocolVersion',
      `must be 5 (or left out): ending the adopted session at DISCONNECT needs MQTT 5, not ${describeValue(options.protocolVersion)}`,
    )
  }
  for (const field of fixed) {
    if (options[field] !== undefined) {
      fail(
        field,
        'is set by adoptSession (a resumed session, acknowledged after processing, without reconnection, whose queue never drops a message); leave it out',
      )
    }
  }
}

/**
 * Takes over the persistent session of a client that is gone — a `$share` worker killed in the
 * middle of its jobs — and processes what the broker kept for it, so that those jobs do not wait
 * for that worker to come back. MQTT 5 only.
 *
 * It connects with the dead client's id and `clean: false` (acknowledging after processing),
 * removes the `unsubscribe` filters from the session so the broker stops handing it new messages,
 * then drains it: every message the session holds goes to `handler` — first the ones in flight
 * (sent again with `dup`; at QoS 2, those whose PUBREC was held back), then the queued ones. The
 * end is known without waiting for quiet: after the UNSUBACK it publishes a marker to a topic of
 * its own (`barrierTopic`), which the broker queues behind everything the session already held.
 * Once the marker arrives it closes with a Session Expiry Interval of 0, so the broker forgets the
 * session. If it fails before (a handler error, the connection lost, `signal`, `timeout`), it
 * closes without ending the session: the session keeps what was not processed, for another try.
 *
 * At least once, as `ack: 'after-processing'` is: a message the dead client processed whose
 * acknowledgement had not left is processed again. Only one process may adopt a given session at
 * a time (a second connection with the same id takes the session over), and the client whose
 * session it is must not come back meanwhile; hear of deaths through a will on a `$share` group
 * (see the docs' "$share worker pools").
 * @param target the broker (a URL), or the brokers of a cluster, as `Client.connect` takes them
 * @returns whether there was a session, and how many messages were processed
 * @throws {@link MqttValidationError} naming the field, before anything is sent.
 * `MqttConnectError`, `MqttTimeoutError`, `MqttConnectionLostError`, the handler's error, the signal's reason.
 * @example
 * for await (const death of deaths) {
 *   await adoptSession(url, { clientId: death.text(), unsubscribe: '$share/workers/jobs/#', handler: runJob })
 * }
 */
export async function adoptSession(
  target: string | readonly BrokerTarget[],
  options: AdoptSessionOptions,
): Promise<AdoptedSession> {
  checkAdoptOptions(options)
  const {
    clientId,
    unsubscribe,
    handler,
    onError,
    barrierTopic = `await-mqtt/adopt/${encodeURIComponent(options.clientId)}`,
    sessionExpiryInterval = 3600,
    timeout = 10_000,
    signal,
    ...connection
  } = options
  signal?.throwIfAborted()
  const client = await Client.connect(target, {
    ...connection,
    clientId,
    clean: false,
    sessionExpiryInterval,
    protocolVersion: 5,
    ack: 'after-processing',
    // A dropped message would be acknowledged, so lost with the session: overflowing fails instead.
    overflow: 'error',
    timeout,
    ...(signal === undefined ? {} : { signal }),
  })
  let handled = 0
  let drained = false
  try {
    if (!client.connack.sessionPresent) {
      drained = true
      return { sessionPresent: false, handled }
    }
    // One stream takes every message, the marker included: the order it reads in is the order the
    // broker sent. Created at once, it also gets what arrived right after the CONNACK.
    const messages = client.messages(undefined, {
      overflow: 'error',
      ...(signal === undefined ? {} : { signal }),
    })
    // The marker's own subscription keeps one message at most: the stream above is the reader.
    await client.subscribe(barrierTopic, { qos: 1, maxQueued: 1, overflow: 'drop-newest', timeout })
    await client.unsubscribe(unsubscribe, { timeout })
    const marker = globalThis.crypto.randomUUID()
    await client.publish(barrierTopic, marker, { qos: 1, timeout })
    for (;;) {
      const message = await messages.read({ timeout, ...(signal === undefined ? {} : { signal }) })
      if (message === undefined) {
        signal?.throwIfAborted()
        throw new MqttConnectionLostError(
          "the adopted session's messages ended before its end marker arrived",
        )
      }
      if (message.topic.value === barrierTopic) {
        if (message.text() === marker) break
        continue // the marker of an earlier try that failed before it arrived
      }
      try {
        await handler(message)
      } catch (error) {
        if (onError === undefined) throw error
        onError(error, message)
      }
      handled++
    }
    drained = true
    messages.close()
    return { sessionPresent: true, handled }
  } finally {
    // Drained: end the session (expiry 0). Otherwise keep it, and what it holds, for another try;
    // closing the client first means no held acknowledgement of an unprocessed message leaves.
    await client.close(drained ? { properties: { sessionExpiryInterval: 0 } } : {})
  }
}
