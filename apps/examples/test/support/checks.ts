import { redisAvailable } from '@await-mqtt/test-utils'
import { expect } from 'vitest'
import { everyOption } from '../../src/configuring-the-client.js'

/** What a check knows about the run. */
export interface RunFacts {
  prefix: string
  /** `host:port` of the broker the example was pointed at. */
  authority: string
  /** The broker speaks MQTT 5 (mosquitto), not only 3.1.1 (aedes). */
  mqtt5: boolean
  microsocks: boolean
  /** What a watcher subscribed to `<prefix>/#` saw, as `topic payload`. */
  seen: readonly string[]
}

const sorted = (lines: readonly string[]) => [...lines].sort()

/** The output each example must print: one check per example, named as the example's file. */
export const checks: Record<string, (lines: string[], facts: RunFacts) => void> = {
  subscriber(lines, { prefix }) {
    expect(lines).toEqual([
      `subscribed to ${prefix}/measurements/#`,
      `${prefix}/measurements/humidity: 0.38`,
      `${prefix}/measurements/humidity: 0.41`,
      `${prefix}/measurements/humidity: 0.44`,
    ])
  },
  publisher(lines, { prefix, seen }) {
    expect(lines).toHaveLength(3)
    expect(lines[1]).toBe(
      `published 0.39 to ${prefix}/measurements/humidity (QoS 1: the broker acknowledged it)`,
    )
    const topic = `${prefix}/measurements/humidity`
    expect(seen).toEqual([`${topic} 0.38`, `${topic} 0.39`, `${topic} 0.4`])
  },
  'configuring-the-client'(lines, { prefix, mqtt5, seen }) {
    expect(lines[0]).toBe(
      `ClientOptions has ${Object.keys(everyOption).length} options, each listed with its default in everyOption`,
    )
    const version = mqtt5 ? 'MQTT 5.0' : 'MQTT 3.1.1 (the broker refused 5)'
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^connected as examples-configured-\\d+ with ${version.replace(/[().]/g, '\\$&')}$`),
      ),
    )
    expect(lines).toContain('[debug] mqtt client closed')
    expect(seen).toEqual([`${prefix}/clients/configured here`]) // the will ('gone') was discarded
  },
  reconnecting(lines) {
    expect(lines.filter((line) => line.startsWith('humidity '))).toEqual([
      'humidity 0.38',
      'humidity 0.39',
      'humidity 0.4',
    ])
    const errors = lines.filter((line) => line.startsWith('Error '))
    expect(errors).toHaveLength(2)
    for (const error of errors)
      expect(error).toMatch(/^Error "the connection to .* was lost"\. Reconnecting in 200 ms\.$/)
    expect(lines.filter((line) => line.startsWith('connected as '))).toHaveLength(3)
    expect(lines.at(-1)).toBe('humidity 0.4')
  },
  'reconnecting-automatically'(lines) {
    expect(lines[0]).toMatch(/^connected as \S+: one client and one stream for the whole demo$/)
    expect(lines.filter((line) => line.startsWith('humidity '))).toEqual([
      'humidity 0.38 (client.state: connected)',
      'humidity 0.39 (client.state: connected)',
      'humidity 0.4 (client.state: connected)',
    ])
    const events = lines.filter((line) => line.startsWith('event: '))
    expect(events.filter((line) => line.startsWith('event: disconnected: '))).toHaveLength(2)
    const attempts = events.filter((line) => /^event: reconnecting: attempt \d+ in \d+ ms$/.test(line))
    expect(attempts.length).toBeGreaterThanOrEqual(2)
    expect(events.filter((line) => line === 'event: connected again, subscriptions renewed')).toHaveLength(2)
    expect(
      lines.filter((line) => line.startsWith('a QoS 1 publish made during the outage completed')),
    ).toHaveLength(2)
    expect(lines.at(-1)).toBe('humidity 0.4 (client.state: connected)')
  },
  'topic-filters'(lines, { prefix }) {
    expect(sorted(lines)).toEqual(
      sorted([
        `[filter="measurements/humidity"] ${prefix}/measurements/humidity = 0.38`,
        `[filter="measurements/temperature"] ${prefix}/measurements/temperature = 28.3`,
        `[unfiltered] ${prefix}/measurements/pressure = 1013`,
        `[filter="measurements/humidity"] ${prefix}/measurements/humidity = 0.39`,
      ]),
    )
  },
  'sharing-the-connection'(lines, { prefix }) {
    expect(lines[0]).toMatch(/^one connection, client id \S+$/)
    expect(sorted(lines.slice(1))).toEqual(
      sorted([
        'published humidity and temperature on that same connection',
        `listener got ${prefix}/measurements/humidity = 0.38`,
        `listener got ${prefix}/measurements/temperature = 28.3`,
      ]),
    )
  },
  'fastify-sse'(lines) {
    expect(lines.filter((line) => line.includes('SSE event on chat/lobby'))).toEqual([
      'fastify: SSE event on chat/lobby: #1 hello from a POST',
      'fastify: SSE event on chat/lobby: #2 SSE carries it to every browser',
      'fastify: SSE event on chat/lobby: #3 bye',
    ])
  },
  'hono-sse'(lines) {
    expect(lines.filter((line) => line.includes('SSE event on chat/lobby'))).toEqual([
      'hono: SSE event on chat/lobby: hello from a POST',
      'hono: SSE event on chat/lobby: SSE carries it to every browser',
      'hono: SSE event on chat/lobby: bye',
    ])
  },
  'scoped-lifetimes'(lines, { prefix, seen }) {
    expect(lines).toEqual([
      'await using: connected (true), published',
      expect.stringMatching(/^withClient: \S+ published, then was closed$/),
      'close(): the publish in flight completed first; closed (true)',
      'publish after close(): rejected with MqttClientClosedError',
    ])
    const topic = `${prefix}/measurements/humidity`
    expect(seen).toEqual([`${topic} 0.38`, `${topic} 0.39`, `${topic} 0.4`])
  },
  'listening-without-blocking'(lines, { prefix }) {
    expect(lines[0]).toBe('Magic! This runs while the listener is still connecting.')
    expect(lines.slice(1)).toEqual([
      `listener: ${prefix}/measurements/humidity = 0.38`,
      `listener: ${prefix}/measurements/temperature = 28.3`,
      'other work read the latest values: humidity 0.38, temperature 28.3',
      'listener: stopped',
    ])
  },
  tls(lines, { prefix }) {
    expect(lines[0]).toMatch(/^TLS listener on mqtts:\/\/127\.0\.0\.1:\d+, requiring a client certificate$/)
    expect(lines.slice(1)).toEqual([
      'connected over TLS: the server certificate verified against our CA, our client certificate accepted',
      `received over TLS: ${prefix}/measurements/humidity = 0.38`,
      "trusting another CA: refused with MqttConnectError, failure 'tls'",
      "without a client certificate: refused with MqttConnectError, failure 'tls'",
    ])
  },
  proxying(lines, { prefix, authority, microsocks }) {
    expect(lines).toContain(`through the HTTP proxy: ${prefix}/measurements/humidity = 0.38`)
    expect(lines).toContain(`the proxy tunnelled to: ${authority}`)
    expect(lines).toContainEqual(expect.stringMatching(/^wrong proxy password: .*failure 'proxy'.*407/))
    expect(lines.at(-1)).toMatch(
      microsocks
        ? new RegExp(
            `^through microsocks \\(SOCKS5 on 127\\.0\\.0\\.1:\\d+\\): ${prefix}/measurements/humidity = 0\\.38$`,
          )
        : /^SOCKS5: skipped/,
    )
  },
  'shared-subscriptions'(lines, { mqtt5 }) {
    expect(lines[0]).toMatch(
      mqtt5
        ? /^MQTT 5 broker: the workers share one subscription, \$share\/workers\//
        : /^note: .*no \$share/,
    )
    const taken = lines.flatMap((line) => /^worker-[ab] took (job \d)$/.exec(line)?.[1] ?? [])
    expect(sorted(taken)).toEqual(['job 1', 'job 2', 'job 3', 'job 4', 'job 5', 'job 6'])
    const verdict = lines.indexOf('6 jobs, 6 deliveries: each job went to exactly one worker')
    expect(verdict).toBeGreaterThan(0)
    // MQTT 5: a worker dies holding tasks; a survivor adopts its session, in-flight ones first
    expect(lines.slice(verdict + 1)).toEqual(
      mqtt5
        ? [
            'doomed took task 1, then died before acknowledging anything',
            'worker-a adopted task 1',
            'worker-a adopted task 2',
            'worker-a adopted task 3',
            "worker-a ran the 3 tasks the dead worker's session held, then ended that session",
          ]
        : [],
    )
  },
  'manual-acks'(lines) {
    expect(sorted(lines.slice(0, 3))).toEqual([
      'worker 1 failed job 2 (the database was down): not acknowledged',
      'worker 1 finished job 1: acknowledged',
      'worker 1 finished job 3: acknowledged',
    ])
    expect(lines.slice(3)).toEqual(['worker 2 got job 2 again: done and acknowledged'])
  },
  'reading-with-a-timeout'(lines) {
    expect(lines).toEqual([
      'no reading within 200 ms (MqttTimeoutError)',
      'next read: 21.5 °C',
      'loop: 22 °C',
      'loop: 23 °C',
      'loop: 24 °C',
      'loop ended by its signal',
    ])
  },
  cluster(lines) {
    if (!redisAvailable()) {
      expect(lines).toEqual([
        'cluster: skipped, redis-server is not installed (apt-get install redis-server)',
      ])
      return
    }
    expect(lines).toEqual([
      expect.stringMatching(
        /^three aedes nodes sharing state through Redis: (mqtt:\/\/127\.0\.0\.1:\d+(, )?){3}$/,
      ),
      expect.stringMatching(/^connected to mqtt:\/\/127\.0\.0\.1:\d+$/),
      'node 0 killed with SIGKILL',
      expect.stringMatching(/^moved to mqtt:\/\/127\.0\.0\.1:\d+, session present: true$/),
      'received: order #1 (published while the client was moving)',
    ])
  },
  'named-wildcards'(lines) {
    expect(lines[0]).toBe('subscribed to sensors/+/temperature')
    expect(sorted(lines.slice(1))).toEqual([
      'core subscription: hall = 21 °C',
      'core subscription: kitchen = 20 °C',
      'hono handler: hall temperature = 21',
      'hono handler: kitchen temperature = 20',
    ])
  },
  'typed-payloads'(lines) {
    expect(lines).toEqual([
      'kitchen: 21.5 °C',
      expect.stringMatching(
        /^refused: the payload received on sensors\/hall\/temperature is invalid: celsius: .+/,
      ),
      'refused: the payload received on sensors/cellar/temperature is invalid: not JSON',
      'attic: 30 °C',
      '2 readings, 2 refused; the stream went on after each',
    ])
  },
  'request-response'(lines, { mqtt5 }) {
    if (!mqtt5) {
      expect(lines).toEqual([
        'MQTT 3.1.1 broker: request() rejects with MqttValidationError: request needs MQTT 5, but this connection speaks MQTT 3.1.1',
        'note: run with MQTT_URL=mqtt://<mosquitto> to see request/response.',
      ])
      return
    }
    expect(lines).toEqual([
      '1² = 1',
      '2² = 4',
      '3² = 9',
      '4² = 16',
      '5² = 25',
      'the service answered 5 requests',
      'no answer: request to services/nobody got no response within 300 ms',
    ])
  },
  dashboard(lines, { prefix }) {
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^GET \/ → \d+ bytes of HTML, "await-mqtt dashboard", its script opens new EventSource\('events'\)$/,
      ),
    )
    expect(lines).toContain('GET /events → 200 text/event-stream')
    expect(lines).toContain(`event "subscribed": {"filter":"${prefix}/measurements/#"}`)
    expect(lines.filter((line) => line.startsWith('event "message"'))).toEqual([
      `event "message": the page shows ${prefix}/measurements/humidity = 0.38`,
      `event "message": the page shows ${prefix}/measurements/temperature = 28.3`,
      `event "message": the page shows ${prefix}/measurements/pressure = 1013`,
    ])
  },
}
