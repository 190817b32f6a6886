import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import {
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type Logger, type Message, MqttTimeoutError, MqttValidationError } from '../../src/index.js'
import type { ResponderReport } from './responder-process.js'

const responderFile = fileURLToPath(new URL('./responder-process.ts', import.meta.url))

/**
 * A logger counting the responses the client dropped because no request waits for them: a late
 * answer to a request that timed out or was aborted is dropped only if that request left nothing
 * pending behind (otherwise it would be handed to it).
 */
function droppedResponses() {
  let dropped = 0
  const waiting: Array<{ count: number; resolve: () => void }> = []
  const logger: Logger = {
    debug: (_details: object, message?: string) => {
      if (message !== 'mqtt dropped an unexpected or late response') return
      dropped++
      for (const waiter of waiting.filter((waiter) => waiter.count <= dropped)) waiter.resolve()
    },
    info() {},
    warn() {},
    error() {},
  }
  /** Resolves once `count` responses were dropped. */
  const reached = (count: number) =>
    new Promise<void>((resolve) => (count <= dropped ? resolve() : waiting.push({ count, resolve })))
  return { logger, reached, dropped: () => dropped }
}

describe.skipIf(!mosquittoAvailable())(
  `request/response on mosquitto (MQTT 5) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('answers 100 concurrent requests, each with its own response (correlation data matched)', async () => {
      await using broker = await startMosquitto()
      await using service = await Client.connect(broker.url)
      await using client = await Client.connect(broker.url)
      const topic = uniqueTopic('svc/double')
      await using responder = await service.respond(
        topic,
        async (request) => {
          // Answer out of order: later requests may be answered first.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5))
          return Number(request.text()) * 2
        },
        { concurrency: 20 },
      )
      const numbers = Array.from({ length: 100 }, (_, index) => index)
      const responses = await Promise.all(
        numbers.map((n) => client.request(topic, n, { qos: n % 2 === 0 ? 0 : 1, timeout: 10_000 })),
      )
      expect(responses.map((response) => Number(response.text()))).toEqual(numbers.map((n) => n * 2))
      expect(responder.answered).toBe(100)
      expect(responder.failed).toBe(0)
      // One response topic for the client, with its client identifier in it.
      const topics = new Set(responses.map((response) => response.topic.value))
      expect(topics.size).toBe(1)
      expect([...topics][0]).toMatch(new RegExp(`^await-mqtt/responses/${client.clientId}/[0-9a-f]{16}$`))
    })

    it('a request nobody answers times out, leaves nothing pending, and its late answer is dropped', async () => {
      await using broker = await startMosquitto()
      const log = droppedResponses()
      await using client = await Client.connect(broker.url, { logger: log.logger })
      await using other = await Client.connect(broker.url)
      const topic = uniqueTopic('svc/slow')
      await using requests = other.messages(topic)
      await other.subscribe(topic, { qos: 1 })
      const error = await client
        .request(topic, 'hello', { timeout: 300, qos: 1 })
        .catch((error: unknown) => error)
      expect(error).toBeInstanceOf(MqttTimeoutError)
      expect((error as Error).message).toBe(`request to ${topic} got no response within 300 ms`)
      // The request arrived; its answer comes too late: dropped, and the next request is not disturbed.
      const late = (await requests.next()).value as Message
      await other.reply(late, 'too late', { qos: 1 })
      await log.reached(1)
      const next = client.request(topic, 'again', { timeout: 10_000 })
      const second = (await requests.next()).value as Message
      expect(second.text()).toBe('again')
      await other.reply(second, 'in time')
      expect((await next).text()).toBe('in time')
      expect(log.dropped()).toBe(1)
    })

    it('an aborted request rejects with the reason and leaves nothing pending', async () => {
      await using broker = await startMosquitto()
      const log = droppedResponses()
      await using client = await Client.connect(broker.url, { logger: log.logger })
      await using other = await Client.connect(broker.url)
      const topic = uniqueTopic('svc/aborted')
      await using requests = other.messages(topic)
      await other.subscribe(topic, { qos: 1 })
      const controller = new AbortController()
      const pending = client.request(topic, 'x', { signal: controller.signal, timeout: 60_000, qos: 1 })
      const request = (await requests.next()).value as Message
      controller.abort(new Error('user gave up'))
      await expect(pending).rejects.toThrow('user gave up')
      await other.reply(request, 'nobody listens')
      await log.reached(1)
      await expect(
        client.request(topic, 'x', { signal: AbortSignal.abort(new Error('already')) }),
      ).rejects.toThrow('already')
    })

    it('a responder process that dies mid-way: the requests after it time out, nothing is left pending', async () => {
      await using broker = await startMosquitto()
      const log = droppedResponses()
      await using client = await Client.connect(broker.url, { logger: log.logger })
      await using spy = await Client.connect(broker.url)
      const topic = uniqueTopic('svc/upper')
      await using seen = spy.messages(topic)
      await spy.subscribe(topic, { qos: 1 })
      // It dies when the sixth request comes, after its fifth answer, while the others wait.
      const child = fork(responderFile, [broker.url, topic, '6'], {
        execArgv: ['--import', 'tsx', '--conditions=@await-mqtt/source'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      const exited = once(child, 'exit')
      const answered: string[] = []
      const ready = new Promise<void>((resolve) => {
        child.on('message', (report: ResponderReport) => {
          if (report.type === 'ready') resolve()
          else answered.push(report.payload)
        })
      })
      try {
        await ready
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, (_, index) =>
            client.request(topic, `r${index}`, { qos: 1, timeout: 2_000 }),
          ),
        )
        await exited
        const fulfilled = outcomes.flatMap((outcome) =>
          outcome.status === 'fulfilled' ? [outcome.value.text()] : [],
        )
        const rejected = outcomes.flatMap((outcome) =>
          outcome.status === 'rejected' ? [outcome.reason] : [],
        )
        // With concurrency 1 it handles a request once the previous answer was acknowledged by the
        // broker: the four answers before the fifth request reached the requester.
        expect(fulfilled.length).toBeGreaterThanOrEqual(4)
        for (const payload of answered.slice(0, 4)) expect(fulfilled).toContain(payload.toUpperCase())
        expect(fulfilled.length + rejected.length).toBe(20)
        expect(rejected.length).toBeGreaterThan(0)
        for (const error of rejected) expect(error).toBeInstanceOf(MqttTimeoutError)
        // Nothing is left pending: answering every request now, each answer is dropped.
        for (let index = 0; index < 20; index++) await spy.reply((await seen.next()).value as Message, 'late')
        await log.reached(20)
        // The dead responder's subscription went with it: a new request is not answered either.
        await expect(client.request(topic, 'anyone?', { timeout: 300 })).rejects.toBeInstanceOf(
          MqttTimeoutError,
        )
        expect(client.connected).toBe(true)
      } finally {
        child.kill('SIGKILL')
      }
    })

    it('a disposed responder unsubscribed: later requests time out; one whose handler throws is not answered', async () => {
      await using broker = await startMosquitto()
      await using service = await Client.connect(broker.url)
      await using client = await Client.connect(broker.url)
      const topic = uniqueTopic('svc/picky')
      const responder = await service.respond(topic, (request) => {
        if (request.text() === 'bad') throw new Error('cannot answer that')
        return 'ok'
      })
      expect((await client.request(topic, 'good')).text()).toBe('ok')
      await expect(client.request(topic, 'bad', { timeout: 300 })).rejects.toBeInstanceOf(MqttTimeoutError)
      expect(responder.failed).toBe(1)
      await responder[Symbol.asyncDispose]()
      await expect(client.request(topic, 'good', { timeout: 300 })).rejects.toBeInstanceOf(MqttTimeoutError)
      expect(responder.answered).toBe(1)
    })

    it('the subscribe + reply pattern: reply() uses the Response Topic and Correlation Data', async () => {
      await using broker = await startMosquitto()
      await using service = await Client.connect(broker.url)
      await using client = await Client.connect(broker.url)
      const topic = uniqueTopic('svc/echo')
      await using requests = await service.subscribe(topic, { qos: 1 })
      const serving = (async () => {
        for await (const request of requests) {
          expect(request.properties.responseTopic).toMatch(/^await-mqtt\/responses\//)
          await service.reply(request, request.payload, { properties: { contentType: 'text/plain' } })
          break
        }
      })()
      const response = await client.request(topic, 'echo me', { properties: { userProperties: { a: '1' } } })
      await serving
      expect(response.text()).toBe('echo me')
      expect(response.properties.contentType).toBe('text/plain')
      expect(response.properties.correlationData).toBeDefined()
    })

    it('refuses bad arguments before anything goes on the wire', async () => {
      await using broker = await startMosquitto()
      await using client = await Client.connect(broker.url)
      await expect(client.request('a/+', 'x')).rejects.toMatchObject({
        name: 'MqttValidationError',
        field: 'topic',
      })
      await expect(
        client.request('a', 'x', { properties: { responseTopic: 'mine' } as never }),
      ).rejects.toMatchObject({ field: 'properties.responseTopic' })
      await expect(client.request('a', 'x', { qos: 3 as never })).rejects.toMatchObject({ field: 'qos' })
      const plain = await Client.connect(broker.url)
      try {
        await using messages = plain.messages('a')
        await plain.subscribe('a')
        await plain.publish('a', 'no response topic', { qos: 1 })
        const request = (await messages.next()).value as Message
        await expect(plain.reply(request, 'x')).rejects.toMatchObject({
          name: 'MqttValidationError',
          field: 'request.properties.responseTopic',
        })
        await expect(plain.respond('a', 'not a function' as never)).rejects.toMatchObject({
          field: 'handler',
        })
      } finally {
        await plain.close()
      }
      expect(client.connected).toBe(true)
    })
  },
)

describe('request/response under MQTT 3.1.1 (aedes)', () => {
  it('request, respond and reply reject with a clear MqttValidationError', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    expect(client.protocolVersion).toBe(4)
    const error = await client.request('svc', 'x').catch((error: unknown) => error)
    expect(error).toBeInstanceOf(MqttValidationError)
    expect((error as Error).message).toBe('request needs MQTT 5, but this connection speaks MQTT 3.1.1')
    await expect(client.respond('svc', () => 'y')).rejects.toThrow(
      'respond needs MQTT 5, but this connection speaks MQTT 3.1.1',
    )
    const message = { topic: { value: 'svc' }, properties: {} } as unknown as Message
    await expect(client.reply(message, 'y')).rejects.toThrow('reply needs MQTT 5')
    expect(client.connected).toBe(true)
  })
})
