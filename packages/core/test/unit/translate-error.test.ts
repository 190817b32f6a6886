import { once } from 'node:events'
import { createServer } from 'node:net'
import { startScriptedBroker } from '@await-mqtt/test-utils'
import mqtt, { type MqttClient } from 'mqtt'
import { describe, expect, it } from 'vitest'
import { MqttClientClosedError, MqttConnectError, MqttConnectionLostError } from '../../src/errors.js'
import { toCallError, toConnectError } from '../../src/translate-error.js'

// translate-error.ts recognises MQTT.js errors by their text and codes. Each case makes MQTT.js
// 5.16 produce the real error, so an upgrade that rewords one fails here, not in a user's app.

function errorEvent(client: MqttClient): Promise<Error> {
  return new Promise((resolve) => client.once('error', resolve))
}

function callback(): { done: (error?: Error) => void; error: Promise<Error | undefined> } {
  let done: (error?: Error) => void = () => {}
  const error = new Promise<Error | undefined>((resolve) => {
    done = resolve
  })
  return { done, error }
}

describe('MQTT.js errors that translate-error reads', () => {
  it("'connack timeout' is a connect timeout", async () => {
    await using broker = await startScriptedBroker({ connack: false })
    const client = mqtt.connect(broker.url, { reconnectPeriod: 0, connectTimeout: 100 })
    try {
      const error = await errorEvent(client)
      expect(error.message).toBe('connack timeout')
      const translated = toConnectError(error, 'broker')
      expect(translated).toBeInstanceOf(MqttConnectError)
      expect(translated.failure).toBe('timeout')
    } finally {
      client.end(true)
    }
  })

  it('a refusing CONNACK carries its return code as a number', async () => {
    await using broker = await startScriptedBroker({ connack: { returnCode: 5 } })
    const client = mqtt.connect(broker.url, { protocolVersion: 4, reconnectPeriod: 0 })
    try {
      const error = await errorEvent(client)
      expect((error as Error & { code?: unknown }).code).toBe(5)
      expect(toConnectError(error, 'broker').failure).toBe('not-authorized')
      expect(toConnectError(error, 'broker', true).failure).toBe('bad-credentials')
    } finally {
      client.end(true)
    }
  })

  it('a refusing MQTT 5 CONNACK carries its reason code as a number', async () => {
    await using broker = await startScriptedBroker({ connack: { reasonCode: 0x84 } })
    const client = mqtt.connect(broker.url, { protocolVersion: 5, reconnectPeriod: 0 })
    try {
      const error = await errorEvent(client)
      expect((error as Error & { code?: unknown }).code).toBe(0x84)
      expect(toConnectError(error, 'broker').failure).toBe('unsupported-protocol')
    } finally {
      client.end(true)
    }
  })

  it('an unreachable broker is a socket error with a string code', async () => {
    const server = createServer()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    await new Promise((resolve) => server.close(resolve))
    const client = mqtt.connect(`mqtt://127.0.0.1:${address.port}`, { reconnectPeriod: 0 })
    try {
      const error = await errorEvent(client)
      expect((error as Error & { code?: unknown }).code).toBe('ECONNREFUSED')
      expect(toConnectError(error, 'broker').failure).toBe('unreachable')
    } finally {
      client.end(true)
    }
  })

  it("'client disconnecting' is a closed client", async () => {
    await using broker = await startScriptedBroker()
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 })
    const ended = client.endAsync()
    const { done, error } = callback()
    client.publish('t', 'x', { qos: 1 }, done)
    const received = await error
    expect(received?.message).toBe('client disconnecting')
    expect(toCallError('publish', received)).toBeInstanceOf(MqttClientClosedError)
    await ended
  })

  it("'Connection closed' is a lost connection", async () => {
    await using broker = await startScriptedBroker({ autoAck: false })
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 })
    try {
      const connection = await broker.connection()
      const { done, error } = callback()
      client.subscribe('t', { qos: 1 }, (failure) => done(failure ?? undefined))
      await connection.next('subscribe')
      connection.destroy()
      const received = await error
      expect(received?.message).toBe('Connection closed')
      expect(toCallError('subscribe', received)).toBeInstanceOf(MqttConnectionLostError)
    } finally {
      client.end(true)
    }
  })
})
