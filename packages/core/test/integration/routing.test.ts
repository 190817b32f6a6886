import {
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type Message, type MessageStream, type Subscription } from '../../src/index.js'

/** The texts a subscription yields, up to and including `last`. */
async function until(subscription: Subscription, last: string): Promise<string[]> {
  const texts: string[] = []
  for await (const message of subscription) {
    texts.push(message.text())
    if (message.text() === last) break
  }
  return texts
}

/** The texts a stream yields, up to and including `last` (the stream stays open). */
async function streamUntil(stream: MessageStream, last: string): Promise<Message[]> {
  const messages: Message[] = []
  for (;;) {
    const { done, value } = await stream.next()
    if (done) return messages
    messages.push(value)
    if (value.text() === last) return messages
  }
}

const texts = (messages: readonly Message[]) => messages.map((message) => message.text())

/**
 * Overlapping subscriptions and streams: `chat/+` twice, `chat/lobby`, one subscription with its
 * own overlapping `news/#` + `news/+`, a `messages(chat/lobby)` stream and an unfiltered one.
 * Each must see each publication exactly once, however many copies the broker sends.
 */
async function overlapping(url: string, protocolVersion: 4 | 5): Promise<void> {
  await using client = await Client.connect(url, { protocolVersion })
  const base = uniqueTopic('overlap')
  await using lobbyStream = client.messages(`${base}/lobby`)
  await using rest = client.messages()
  const room = await client.subscribe(`${base}/+`, { qos: 1 })
  await using again = await client.subscribe(`${base}/+`, { qos: 1 })
  await using lobby = await client.subscribe(`${base}/lobby`, { qos: 1 })
  await using news = await client.subscribe([`${base}/news/#`, `${base}/news/+`], { qos: 1 })
  const publish = (topic: string, text: string) => client.publish(`${base}/${topic}`, text, { qos: 1 })
  for (const n of [1, 2, 3]) await publish('lobby', `l${n}`)
  for (const n of [1, 2]) await publish('kitchen', `k${n}`)
  for (const n of [1, 2]) await publish('news/x', `n${n}`)
  await publish('lobby', 'fin-lobby')
  await publish('news/x', 'fin-news')

  const chat = ['l1', 'l2', 'l3', 'k1', 'k2', 'fin-lobby']
  expect(await until(room, 'fin-lobby')).toEqual(chat)
  expect(await until(again, 'fin-lobby')).toEqual(chat)
  expect(await until(lobby, 'fin-lobby')).toEqual(['l1', 'l2', 'l3', 'fin-lobby'])
  expect(await until(news, 'fin-news')).toEqual(['n1', 'n2', 'fin-news'])
  const fromLobbyStream = await streamUntil(lobbyStream, 'fin-lobby')
  expect(texts(fromLobbyStream)).toEqual(['l1', 'l2', 'l3', 'fin-lobby'])
  expect(texts(await streamUntil(rest, 'fin-news'))).toEqual(['k1', 'k2', 'n1', 'n2', 'fin-news'])
  const identifiers = fromLobbyStream[0]?.properties.subscriptionIdentifier
  if (protocolVersion === 5) expect(identifiers).toBeDefined()
  else expect(identifiers).toBeUndefined()

  // one of two subscriptions to the same filter goes: the other still gets one copy
  await room.unsubscribe()
  await publish('lobby', 'l4')
  await publish('lobby', 'fin-2')
  expect(await until(again, 'fin-2')).toEqual(['l4', 'fin-2'])
  expect(await until(lobby, 'fin-2')).toEqual(['l4', 'fin-2'])
  expect(texts(await streamUntil(lobbyStream, 'fin-2'))).toEqual(['l4', 'fin-2'])

  // client.unsubscribe of the filter that decided which copy the streams take
  await client.unsubscribe(`${base}/+`)
  await publish('lobby', 'l5')
  await publish('lobby', 'fin-3')
  expect(await until(lobby, 'fin-3')).toEqual(['l5', 'fin-3'])
  expect(texts(await streamUntil(lobbyStream, 'fin-3'))).toEqual(['l5', 'fin-3'])
}

describe('overlapping subscriptions: each stream gets each publication once', () => {
  it('aedes (MQTT 3.1.1: the broker sends one copy)', async () => {
    await using broker = await startAedes()
    await overlapping(broker.url, 4)
  })

  describe.skipIf(!mosquittoAvailable())(
    `mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
    () => {
      it('MQTT 5: one copy per matching subscription, told apart by Subscription Identifiers', async () => {
        await using broker = await startMosquitto({ websocket: false })
        await overlapping(broker.url, 5)
      })

      it('MQTT 3.1.1: the broker sends one copy', async () => {
        await using broker = await startMosquitto({ websocket: false })
        await overlapping(broker.url, 4)
      })

      it('MQTT 5 after a reconnection: resubscribed with the same identifiers, still one copy each', async () => {
        await using broker = await startMosquitto({ websocket: false })
        await using client = await Client.connect(broker.url, {
          reconnect: { minDelay: 50, maxDelay: 200, jitter: 0 },
        })
        const base = uniqueTopic('overlap-reconnect')
        await using lobbyStream = client.messages(`${base}/lobby`)
        await using room = await client.subscribe(`${base}/+`, { qos: 1 })
        await using lobby = await client.subscribe(`${base}/lobby`, { qos: 1 })
        await using news = await client.subscribe([`${base}/news/#`, `${base}/news/+`], { qos: 1 })
        await using events = client.events()
        await broker.stop()
        await broker.start()
        for await (const event of events) if (event.type === 'connected') break
        await client.publish(`${base}/lobby`, 'l1', { qos: 1 })
        await client.publish(`${base}/news/x`, 'n1', { qos: 1 })
        await client.publish(`${base}/lobby`, 'fin', { qos: 1 })
        await client.publish(`${base}/news/x`, 'fin', { qos: 1 })
        expect(await until(room, 'fin')).toEqual(['l1', 'fin'])
        expect(await until(lobby, 'fin')).toEqual(['l1', 'fin'])
        expect(await until(news, 'fin')).toEqual(['n1', 'fin'])
        const fromStream = await streamUntil(lobbyStream, 'fin')
        expect(texts(fromStream)).toEqual(['l1', 'fin'])
        expect(fromStream[0]?.properties.subscriptionIdentifier).toBeDefined()
      })

      it('a subscription identifier the user sets is sent as it is', async () => {
        await using broker = await startMosquitto({ websocket: false })
        await using client = await Client.connect(broker.url)
        const topic = uniqueTopic('user-id')
        await using subscription = await client.subscribe(topic, {
          qos: 1,
          properties: { subscriptionIdentifier: 4242 },
        })
        await client.publish(topic, 'x', { qos: 1 })
        for await (const message of subscription) {
          expect(message.properties.subscriptionIdentifier).toBe(4242)
          break
        }
      })
    },
  )
})

describe('received topics (aedes)', () => {
  it('messages in a row on one topic share one Topic; another topic gets its own', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const [first, second] = [uniqueTopic('shared'), uniqueTopic('other')]
    await using messages = client.messages()
    await client.subscribe([first, second], { qos: 1 })
    for (const topic of [first, first, second]) await client.publish(topic, 'x', { qos: 1 })
    const received: Message[] = []
    for await (const message of messages) if (received.push(message) === 3) break
    expect(received.map((message) => message.topic.value)).toEqual([first, first, second])
    expect(received[1]?.topic).toBe(received[0]?.topic)
    expect(received[2]?.topic).not.toBe(received[1]?.topic)
  })
})
