import { MqttConnectError } from '@await-mqtt/core'
import { startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { createMqttLifespan } from '../../src/index.js'
import { SSEReader } from '../sse-reader.js'
import { peer, startedLifespan, testApp } from './app.js'

const reconnect = { minDelay: 20, maxDelay: 200, jitter: 0 }

describe('connectInBackground: the lifespan starts while the broker is down', () => {
  it('start() resolves, routes answer 503 until connected, then publish and SSE bridges work', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    const lifespan = await startedLifespan(broker.url, { reconnect, connectInBackground: true })
    expect(lifespan.state).toBe('running')
    expect(lifespan.client.state).toBe('reconnecting')
    const app = testApp(lifespan)
    const topic = uniqueTopic('hono/background')
    expect((await app.request(`/publish/${topic}`, { method: 'POST', body: 'early' })).status).toBe(503)
    expect((await app.request(`/events?filter=${encodeURIComponent(topic)}`)).status).toBe(503)

    await using events = lifespan.client.events()
    await broker.start()
    for await (const event of events) if (event.type === 'connected') break
    const response = await app.request(`/events?filter=${encodeURIComponent(topic)}`)
    expect(response.status).toBe(200)
    await using stream = new SSEReader(response)
    expect((await stream.next())?.event).toBe('subscribed')
    expect((await app.request(`/publish/${topic}`, { method: 'POST', body: 'live' })).status).toBe(204)
    expect(JSON.parse((await stream.next())?.data ?? '')).toMatchObject({ topic, payload: 'live' })
    const other = await peer(broker.url)
    await other.publish(topic, 'from a peer', { qos: 1 })
    expect(JSON.parse((await stream.next())?.data ?? '')).toMatchObject({ payload: 'from a peer' })
  })

  it('without it, start() still fails fast while the broker is down', async () => {
    await using broker = await startMosquitto({ websocket: false })
    await broker.stop()
    await using lifespan = createMqttLifespan({ url: broker.url, reconnect })
    await expect(lifespan.start()).rejects.toBeInstanceOf(MqttConnectError)
  })
})
