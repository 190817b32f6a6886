import { existsSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, type MessageStream } from '../../src/index.js'

/** What `stream` yields up to and including a message `marker`, as `room:text`. */
async function untilMarker(stream: MessageStream): Promise<string[]> {
  const texts: string[] = []
  for (;;) {
    const { done, value } = await stream.next()
    if (done) return texts
    texts.push(`${value.topic.levels.at(-1)}:${value.text()}`)
    if (value.text() === 'marker') return texts
  }
}

/**
 * A persistent session (MQTT 5, clean: false, session expiry 300 s) subscribed to `base/#` at
 * QoS 1, gone while 5 messages are published to it; resolves connected again (same client id),
 * once the queued messages have had time to arrive — before any stream exists.
 */
/** A file for mosquitto's debug log (flushed per line, unlike its piped stdout). */
function debugLog(): string {
  const file = join(tmpdir(), `await-mqtt-early-${process.pid}-${Math.random().toString(16).slice(2)}.log`)
  onTestFinished(() => rmSync(file, { force: true }))
  return file
}

function debugLogConfig(file: string): string {
  return `log_dest file ${file}\nlog_type debug`
}

async function reconnectToQueuedSession(url: string, base: string, log: string): Promise<Client> {
  const options = { clientId: `early-${base.split('/').at(-1)}`, clean: false, sessionExpiryInterval: 300 }
  {
    await using first = await Client.connect(url, { ...options, protocolVersion: 5 })
    await first.subscribe(`${base}/#`, { qos: 1 })
  }
  {
    await using publisher = await Client.connect(url)
    for (const [n, room] of ['a', 'b', 'a', 'b', 'a'].entries()) {
      await publisher.publish(`${base}/${room}`, String(n + 1), { qos: 1 })
    }
  }
  const client = await Client.connect(url, { ...options, protocolVersion: 5 })
  // The broker sends the queued messages right after CONNACK and the client acknowledges each on
  // receipt (no stream exists yet): wait until mosquitto's debug log shows the five PUBACKs.
  const acked = new RegExp(`Received PUBACK from ${options.clientId} `, 'g')
  const deadline = Date.now() + 10_000
  const count = () => (existsSync(log) ? (readFileSync(log, 'utf8').match(acked) ?? []).length : 0)
  while (count() < 5) {
    if (Date.now() > deadline) throw new Error('the queued messages did not reach the client within 10 s')
    await sleep(10)
  }
  return client
}

describe.skipIf(!mosquittoAvailable())(
  `messages that arrive before any stream exists ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('a persistent session: messages() created after reconnecting receives all 5 queued messages', async () => {
      const log = debugLog()
      await using broker = await startMosquitto({ websocket: false, extraConfig: debugLogConfig(log) })
      const base = uniqueTopic('early')
      await using client = await reconnectToQueuedSession(broker.url, base, log)
      await using messages = client.messages()
      // the session still holds base/#: the marker comes back after the queued messages
      await client.publish(`${base}/z`, 'marker', { qos: 1 })
      expect(await untilMarker(messages)).toEqual(['a:1', 'b:2', 'a:3', 'b:4', 'a:5', 'z:marker'])
    })

    it('streams created in the same tick share them with the usual routing; later ones get none', async () => {
      const log = debugLog()
      await using broker = await startMosquitto({ websocket: false, extraConfig: debugLogConfig(log) })
      const base = uniqueTopic('early-split')
      await using client = await reconnectToQueuedSession(broker.url, base, log)
      await using a = client.messages(`${base}/a`)
      await using rest = client.messages()
      await Promise.resolve()
      await using late = client.messages()
      await client.publish(`${base}/a`, 'marker', { qos: 1 })
      await client.publish(`${base}/z`, 'marker', { qos: 1 })
      expect(await untilMarker(a)).toEqual(['a:1', 'a:3', 'a:5', 'a:marker'])
      expect(await untilMarker(rest)).toEqual(['b:2', 'b:4', 'z:marker'])
      expect(await untilMarker(late)).toEqual(['z:marker'])
    })
  },
)
