import { setTimeout as sleep } from 'node:timers/promises'
import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
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
async function reconnectToQueuedSession(url: string, base: string): Promise<Client> {
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
  await sleep(300) // the broker sends the queued messages right after CONNACK
  return client
}

describe.skipIf(!mosquittoAvailable())(
  `messages that arrive before any stream exists ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('a persistent session: messages() created after reconnecting receives all 5 queued messages', async () => {
      await using broker = await startMosquitto({ websocket: false })
      const base = uniqueTopic('early')
      await using client = await reconnectToQueuedSession(broker.url, base)
      await using messages = client.messages()
      // the session still holds base/#: the marker comes back after the queued messages
      await client.publish(`${base}/z`, 'marker', { qos: 1 })
      expect(await untilMarker(messages)).toEqual(['a:1', 'b:2', 'a:3', 'b:4', 'a:5', 'z:marker'])
    })

    it('streams created in the same tick share them with the usual routing; later ones get none', async () => {
      await using broker = await startMosquitto({ websocket: false })
      const base = uniqueTopic('early-split')
      await using client = await reconnectToQueuedSession(broker.url, base)
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
