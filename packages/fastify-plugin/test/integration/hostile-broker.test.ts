import { MqttConnectionLostError } from '@await-mqtt/core'
import { startScriptedBroker } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import fastifyMqtt from '../../src/index.js'
import { testApp } from './helpers.js'

describe('a broker that sends a malformed packet', () => {
  it('healthy() turns false at once: the client closed the connection and says why', async () => {
    await using broker = await startScriptedBroker()
    const { app, logs } = testApp()
    await app.register(fastifyMqtt, { url: broker.url })
    await app.ready()
    expect(app.mqtt.healthy()).toBe(true)
    const events = app.mqtt.client.events()
    const connection = await broker.connection()
    connection.sendRaw(Uint8Array.of(0x40, 0x03, 0x00, 0x01, 0x05)) // a PUBACK with an invalid reason code
    let event = await events.next()
    while (!event.done && event.value.type !== 'disconnected') event = await events.next()
    expect(event.value).toMatchObject({ type: 'disconnected' })
    const cause = event.done ? undefined : event.value.type === 'disconnected' ? event.value.cause : undefined
    expect(cause).toBeInstanceOf(MqttConnectionLostError)
    expect(cause).toMatchObject({ closedBy: 'client', reasonCode: 0x81 })
    expect(app.mqtt.healthy()).toBe(false)
    await connection.closed
    expect(logs.some((line) => String(line.msg).includes('broke the protocol'))).toBe(true)
  })
})
