import {
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  startScriptedBroker,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  Client,
  type MessageStream,
  MqttConnectionLostError,
  MqttError,
  type Subscription,
} from '../../src/index.js'
import { watchProcess } from './watch.js'

/** Settles `run` (sync throw or promise) within `ms`; returns what it resolved to or threw. */
async function settle(run: () => unknown, ms = 5_000): Promise<{ ok: boolean; value: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms)
  })
  try {
    const value = await Promise.race([Promise.resolve().then(run), hang])
    return { ok: true, value }
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('did not settle')) throw error
    return { ok: false, value: error }
  } finally {
    clearTimeout(timer)
  }
}

const awkwardText = fc.constantFrom(
  '',
  '#',
  '+',
  'a/#',
  'a/+/b',
  '/',
  '//',
  'a\u0000b',
  '\ud800',
  '$SYS/x',
  '$share/g/a',
  '$share//a',
  'x'.repeat(70_000),
  '🙂/🙃',
)
const topics = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), awkwardText, fc.anything())
const payloads = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 64 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.anything(),
)
const callOptions = fc.oneof(
  fc.constant(undefined),
  fc.anything(),
  fc.record(
    {
      qos: fc.oneof(fc.constantFrom(0, 1, 2), fc.anything()),
      retain: fc.anything(),
      timeout: fc.oneof(fc.integer({ min: -5, max: 2_000 }), fc.anything()),
      signal: fc.oneof(fc.constant(AbortSignal.abort()), fc.anything()),
      properties: fc.anything(),
      noLocal: fc.anything(),
      retainHandling: fc.anything(),
      maxQueued: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.anything()),
      overflow: fc.oneof(fc.constantFrom('drop-oldest', 'drop-newest', 'error'), fc.anything()),
    },
    { requiredKeys: [] },
  ),
)

/** Strings built from the code points brokers disconnect for, among ordinary and awkward ones. */
const mqttHostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          0x00,
          0x01,
          0x1f,
          0x7f,
          0x85,
          0x9f,
          0xd800,
          0xdfff,
          0xfdd0,
          0xfffe,
          0xffff,
          0x1ffff,
          0x10ffff,
        ),
        fc.integer({ min: 0x20, max: 0x7e }),
      ),
      { maxLength: 8 },
    )
    // Surrogate halves as lone UTF-16 code units (fromCodePoint would pair nothing up either).
    .map((points) =>
      points.map((p) => (p <= 0xffff ? String.fromCharCode(p) : String.fromCodePoint(p))).join(''),
    ),
)
/** MQTT 5 PUBLISH properties, in range or not. */
const publishProperties = fc.record(
  {
    payloadFormatIndicator: fc.oneof(fc.boolean(), fc.anything()),
    messageExpiryInterval: fc.oneof(
      fc.constantFrom(-1, 0, 2 ** 32 - 1, 2 ** 32, 1.5, Number.NaN),
      fc.anything(),
    ),
    topicAlias: fc.oneof(fc.constantFrom(0, 1, 10, 65_535, 70_000, -1), fc.anything()),
    contentType: fc.oneof(mqttHostileText, fc.anything()),
    responseTopic: fc.oneof(mqttHostileText, fc.anything()),
    correlationData: fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.anything()),
    userProperties: fc.oneof(
      fc.dictionary(mqttHostileText, fc.oneof(mqttHostileText, fc.array(mqttHostileText))),
      fc.anything(),
    ),
    subscriptionIdentifier: fc.anything(),
    unknown: fc.anything(),
  },
  { requiredKeys: [] },
)

/** Either a success or an {@link MqttError}; anything else is a bug. */
function typed(result: { ok: boolean; value: unknown }): boolean {
  return result.ok || result.value instanceof MqttError || (result.value as Error)?.name === 'AbortError'
}

describe('bad inputs, fuzzed: a typed MqttError every time, never a hang, and the client stays usable', () => {
  it('publish / subscribe / unsubscribe / messages with random topics, payloads and options', async () => {
    await using broker = await startAedes()
    const watch = watchProcess()
    const client = await Client.connect(broker.url, { timeout: 2_000 })
    const opened: Array<Subscription | MessageStream> = []
    const probe = uniqueTopic('probe')
    await using probes = client.messages(probe)
    await client.subscribe(probe, { qos: 1 })
    let n = 0
    await fc.assert(
      fc.asyncProperty(topics, payloads, callOptions, async (topic, payload, options) => {
        const results = [
          // aedes hangs up on a client that publishes to $SYS (mosquitto ignores it): a broker's policy, not a bad input
          await settle(() =>
            typeof topic === 'string' && topic.startsWith('$SYS')
              ? undefined
              : client.publish(topic as string, payload as never, options as never),
          ),
          await settle(() => client.subscribe(topic as string, options as never)),
          await settle(() => client.unsubscribe(topic as string, options as never)),
          await settle(() => client.messages(topic as string, options as never)),
        ]
        for (const result of results) {
          if (result.ok && result.value && typeof result.value === 'object')
            opened.push(result.value as Subscription)
        }
        for (const result of results) expect(typed(result), String(result.value)).toBe(true)
        n++
        await client.publish(probe, String(n), { qos: 1 })
        expect((await probes.next()).value?.text()).toBe(String(n))
        expect(client.state).toBe('connected')
      }),
      { numRuns: 150 },
    )
    for (const item of opened) await item[Symbol.asyncDispose]()
    await client.close()
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  }, 120_000)

  it('Client.connect with random options', async () => {
    await using broker = await startAedes()
    const watch = watchProcess()
    const keys = [
      'hostname',
      'port',
      'clientId',
      'keepalive',
      'clean',
      'protocolVersion',
      'username',
      'password',
      'will',
      'properties',
      'reconnect',
      'ack',
      'maxQueued',
      'overflow',
      'transport',
      'tls',
      'proxy',
      'websocketPath',
      'socketOptions',
      'sessionExpiryInterval',
      'maxConcurrentOutgoingCalls',
      'url',
    ] as const
    const options = fc.record(Object.fromEntries(keys.map((key) => [key, fc.anything()])), {
      requiredKeys: [],
    })
    await fc.assert(
      fc.asyncProperty(options, fc.boolean(), async (random, asUrl) => {
        const base = asUrl ? broker.url : { hostname: '127.0.0.1', port: broker.port }
        const result = await settle(() => Client.connect(base, { ...random, timeout: 1_000 } as never))
        if (result.ok) await (result.value as Client).close()
        expect(typed(result), String(result.value)).toBe(true)
      }),
      { numRuns: 150 },
    )
    expect(await watch.leaked()).toEqual({})
    expect(watch.unhandled).toEqual([])
  }, 120_000)

  it.skipIf(!mosquittoAvailable())(
    `random strings and MQTT 5 properties on mosquitto: never a lost connection ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
    async () => {
      await using broker = await startMosquitto({ websocket: false })
      const watch = watchProcess()
      const client = await Client.connect(broker.url, { timeout: 2_000 })
      const probe = uniqueTopic('probe')
      await using probes = client.messages(probe)
      await client.subscribe(probe, { qos: 1 })
      let n = 0
      await fc.assert(
        fc.asyncProperty(
          mqttHostileText,
          publishProperties,
          fc.constantFrom(0, 1, 2),
          async (text, properties, qos) => {
            const topic = `fuzz/${text}`
            const results = [
              await settle(() => client.publish(topic, 'x', { qos: qos as 0 | 1 | 2, properties } as never)),
              await settle(() => client.publish('fuzz/ok', 'x', { qos: 1, properties } as never)),
              await settle(async () => {
                const subscription = await client.subscribe(topic, {
                  properties: { userProperties: { k: text } },
                })
                await subscription[Symbol.asyncDispose]()
              }),
              await settle(() => client.unsubscribe([topic, `fuzz/${text}/x`])),
            ]
            for (const result of results) expect(typed(result), String(result.value)).toBe(true)
            n++
            await client.publish(probe, String(n), { qos: 1 })
            expect((await probes.next()).value?.text()).toBe(String(n))
            expect(client.state).toBe('connected')
          },
        ),
        { numRuns: 200 },
      )
      await client.close()
      expect(await watch.leaked()).toEqual({})
      expect(watch.unhandled).toEqual([])
    },
    120_000,
  )
})

/** A fixed header for `type` (any flags) and a body of `body.length` bytes, correctly framed. */
function framed(first: number, body: Uint8Array): Buffer {
  const length: number[] = []
  let rest = body.length
  do {
    let byte = rest % 128
    rest = Math.floor(rest / 128)
    if (rest > 0) byte |= 0x80
    length.push(byte)
  } while (rest > 0)
  return Buffer.concat([Buffer.from([first, ...length]), body])
}

describe('random packets from the broker after CONNACK: the client never stays deaf', () => {
  it('it either keeps processing (a valid PUBLISH sent after them arrives) or closes the connection', async () => {
    await using broker = await startScriptedBroker()
    const watch = watchProcess()
    let n = 0
    let closed = 0
    const packets = fc.array(
      fc.oneof(
        fc.record({ first: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: 40 }) }),
        // What a broker may send, with random bodies: often valid (an ack for no one), often not.
        fc.record({
          first: fc.constantFrom(0x30, 0x40, 0x50, 0x62, 0x70, 0xb0, 0xd0),
          body: fc.oneof(fc.uint8Array({ minLength: 2, maxLength: 2 }), fc.uint8Array({ maxLength: 12 })),
        }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    await fc.assert(
      fc.asyncProperty(packets, fc.boolean(), async (random, v5) => {
        const client = await Client.connect(broker.url, { protocolVersion: v5 ? 5 : 4, timeout: 2_000 })
        const connection = await broker.connection(n++)
        const stream = client.messages()
        const probe = `probe ${n}`
        connection.sendRaw(Buffer.concat(random.map(({ first, body }) => framed(first, body))))
        connection.send({
          cmd: 'publish',
          topic: 'fuzz/probe',
          payload: Buffer.from(probe),
          qos: 1,
          messageId: 60_000,
          dup: false,
          retain: false,
        })
        const outcome = await settle(async () => {
          for (;;) {
            const next = await stream.next()
            if (next.done) return 'ended'
            if (next.value.text() === probe) return 'delivered'
          }
        })
        if (outcome.ok) {
          expect(outcome.value).toBe('delivered')
          expect(client.state).toBe('connected')
        } else {
          closed++
          expect(outcome.value).toBeInstanceOf(MqttConnectionLostError)
          expect(['client', 'broker']).toContain((outcome.value as MqttConnectionLostError).closedBy)
          await connection.closed
        }
        await client.close()
      }),
      { numRuns: 120 },
    )
    // Most random packets break a rule: the client closed for them (and stayed attentive otherwise).
    expect(closed).toBeGreaterThan(0)
    expect(closed).toBeLessThan(n)
    expect(watch.unhandled).toEqual([])
  }, 120_000)
})
