import {
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, type Message, MqttValidationError } from '../../src/index.js'

describe('named wildcards in subscribe() and messages() (aedes)', () => {
  it('subscribes with the plain filter and gives message.params', async () => {
    await using broker = await startAedes()
    const subscribed: string[] = []
    broker.broker.on('subscribe', (subscriptions: { topic: string }[]) => {
      for (const { topic } of subscriptions) subscribed.push(topic)
    })
    await using client = await Client.connect(broker.url)
    const root = uniqueTopic('sensors')
    await using subscription = await client.subscribe(`${root}/+room/temperature/#rest`, { qos: 1 })
    expect(subscription.filters).toEqual([`${root}/+/temperature/#`])
    expect(subscribed).toEqual([`${root}/+/temperature/#`])
    await client.publish(`${root}/kitchen/temperature/celsius`, '21', { qos: 1 })
    const message = await subscription.read({ timeout: 5_000 })
    expect(message?.params).toEqual({ room: 'kitchen', rest: ['celsius'] })
    expect(message?.text()).toBe('21')
  })

  it('a pattern given with per-filter options keeps them', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const root = uniqueTopic('per-filter')
    await using subscription = await client.subscribe([
      { filter: `${root}/+device/state`, qos: 1 },
      `${root}/x`,
    ])
    expect(subscription.granted.map(({ filter, qos }) => [filter, qos])).toEqual([
      [`${root}/+/state`, 1],
      [`${root}/x`, 0],
    ])
    await client.publish(`${root}/lamp/state`, 'on', { qos: 1 })
    const message = await subscription.read({ timeout: 5_000 })
    expect([message?.qos, message?.params]).toEqual([1, { device: 'lamp' }])
  })

  it('each stream gives the params of its own pattern for the same message', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    const root = uniqueTopic('homes')
    await using byRoom = client.messages(`${root}/+home/+room`)
    await using byHome = client.messages(`${root}/+house/#`)
    await using plain = client.messages(`${root}/+/+`)
    await client.subscribe(`${root}/#`)
    await client.publish(`${root}/h1/attic`, 'x', { qos: 1 })
    const [room, home, none] = (await Promise.all([byRoom.read(), byHome.read(), plain.read()])) as Message[]
    expect(room?.params).toEqual({ home: 'h1', room: 'attic' })
    expect(home?.params).toEqual({ house: 'h1' })
    expect(none?.params).toEqual({})
  })

  it('refuses a repeated name or an invalid pattern with MqttValidationError naming the filter', async () => {
    await using broker = await startAedes()
    await using client = await Client.connect(broker.url)
    expect(() => client.messages('a/+id/+id')).toThrow(MqttValidationError)
    await expect(client.subscribe('a/#rest/b')).rejects.toMatchObject({ field: 'filter' })
    await expect(client.subscribe('a/+id/+id')).rejects.toMatchObject({ name: 'MqttValidationError' })
    expect(client.connected).toBe(true)
  })
})

describe.skipIf(!mosquittoAvailable())(
  `named wildcards behind $share (mosquitto, MQTT 5) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('$share/{group}/sensors/+room subscribes to $share/{group}/sensors/+', async () => {
      await using broker = await startMosquitto()
      await using client = await Client.connect(broker.url)
      const root = uniqueTopic('shared')
      await using subscription = await client.subscribe(`$share/workers/${root}/+room`, { qos: 1 })
      expect(subscription.filters).toEqual([`$share/workers/${root}/+`])
      await client.publish(`${root}/hall`, 'on', { qos: 1 })
      expect((await subscription.read({ timeout: 5_000 }))?.params).toEqual({ room: 'hall' })
    })
  },
)
