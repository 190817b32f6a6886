import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type Message, withClient } from '../../src/index.js'

async function take(stream: AsyncIterable<Message>, count: number): Promise<Message[]> {
  const taken: Message[] = []
  if (count === 0) return taken
  for await (const message of stream) {
    taken.push(message)
    if (taken.length === count) break
  }
  return taken
}

describe('Client against aedes (MQTT 3.1.1)', () => {
  it('connects, falling back from MQTT 5 to 3.1.1, and closes', async () => {
    await using broker = await startAedes()
    const client = await Client.connect(broker.url)
    expect(client.protocolVersion).toBe(4)
    expect(client.connected).toBe(true)
    expect(client.clientId).toMatch(/^await-mqtt_[0-9a-f]{8}$/)
    await client.close()
    expect(client.connected).toBe(false)
    expect(client.closed).toBe(true)
    await client.close()
  })

  it.each([0, 1, 2] as const)('publishes and receives at QoS %i', async (qos) => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const topic = uniqueTopic('qos')
    await using subscription = await client.subscribe(topic, { qos })
    expect(subscription.granted).toEqual([{ filter: topic, qos, reasonCode: qos }])
    await client.publish(topic, `hello ${qos}`, { qos })
    const [message] = await take(subscription, 1)
    expect(message?.text()).toBe(`hello ${qos}`)
    expect(message?.qos).toBe(qos)
    expect(message?.topic.value).toBe(topic)
    expect(message?.retain).toBe(false)
    if (qos > 0) expect(message?.messageId).toBeTypeOf('number')
  })

  it('a stream created before subscribe gets the retained message', async () => {
    await using broker = await startAedes()
    const topic = uniqueTopic('retained')
    await withClient(broker.url, (publisher) => publisher.publish(topic, 'kept', { qos: 1, retain: true }))
    await using client = await Client.connect(broker.url)
    await using messages = client.messages()
    await client.subscribe(topic)
    const [message] = await take(messages, 1)
    expect(message?.text()).toBe('kept')
    expect(message?.retain).toBe(true)
  })

  it('routes filtered and unfiltered streams with the seed semantics', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const base = uniqueTopic('routing')
    await using humidity = client.messages(`${base}/humidity`)
    await using everything = client.messages(`${base}/#`)
    await using rest = client.messages()
    await client.subscribe([`${base}/#`, 'elsewhere/#'])
    await client.publish(`${base}/humidity`, 0.38, { qos: 1 })
    await client.publish(`${base}/temperature`, 28.3, { qos: 1 })
    await client.publish('elsewhere/x', true, { qos: 1 })
    expect((await take(humidity, 1)).map((m) => m.text())).toEqual(['0.38'])
    expect((await take(everything, 2)).map((m) => m.text())).toEqual(['0.38', '28.3'])
    expect((await take(rest, 1)).map((m) => m.text())).toEqual(['true'])
    expect(humidity.queued + everything.queued + rest.queued).toBe(0)
  })

  it('close ends every stream: loops finish', async () => {
    await using broker = await startAedes()
    const client = await Client.connect(broker.url)
    const stream = client.messages()
    const subscription = await client.subscribe(uniqueTopic('end'))
    const loops = [take(stream, 10), take(subscription, 10)]
    await client.close()
    expect(await Promise.all(loops)).toEqual([[], []])
  })
})
