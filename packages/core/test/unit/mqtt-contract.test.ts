import { connect } from 'node:net'
import { startScriptedBroker } from '@await-mqtt/test-utils'
import mqtt, { type IPublishPacket } from 'mqtt'
import { describe, expect, it } from 'vitest'
import { MqttConnectError } from '../../src/errors/errors.js'
import { createMqttClient } from '../../src/mqttjs/create-mqtt-client.js'
import {
  assertMqttInternals,
  hasMqttInternals,
  onHandleAuth,
  onHandleMessage,
  sendAuth,
} from '../../src/mqttjs/mqtt-internals.js'
import { resolveOptions } from '../../src/options/resolve-options.js'

// Assumptions about MQTT.js that are not its internals' existence but their order and effect.
describe('MQTT.js order the acknowledgement hooks rely on', () => {
  it("emits 'message' for a QoS 1 PUBLISH, then calls handleMessage, and sends PUBACK only after its callback", async () => {
    await using broker = await startScriptedBroker()
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0, protocolVersion: 5 })
    try {
      const connection = await broker.connection()
      const order: string[] = []
      let release: () => void = () => {}
      client.on('message', (topic) => order.push(`message ${topic}`))
      onHandleMessage(client, (packet: IPublishPacket, callback) => {
        order.push(`handle ${packet.topic}`)
        release = () => callback()
      })
      connection.send({
        cmd: 'publish',
        topic: 't/1',
        payload: Buffer.from('x'),
        qos: 1,
        messageId: 7,
        dup: false,
        retain: false,
      })
      await expect(connection.next('puback', 200)).rejects.toThrow(/no puback/)
      expect(order).toEqual(['message t/1', 'handle t/1'])
      release()
      expect(await connection.next('puback')).toMatchObject({ cmd: 'puback', messageId: 7 })
    } finally {
      client.end(true)
    }
  })
})

describe('MQTT.js AUTH handling enhanced authentication relies on (src/mqttjs/enhanced-auth.ts)', () => {
  it('calls handleAuth for an AUTH of the CONNECT method, writes the AUTH it calls back with, and sendAuth writes one while connected', async () => {
    await using broker = await startScriptedBroker({ connack: false })
    const client = new mqtt.MqttClient(() => connect(broker.port, '127.0.0.1'), {
      protocolVersion: 5,
      reconnectPeriod: 0,
      manualConnect: true,
      properties: { authenticationMethod: 'M' },
    })
    try {
      const seen: number[] = []
      onHandleAuth(client, (packet, callback) => {
        seen.push(packet.reasonCode)
        if (packet.reasonCode === 0x18) {
          callback(undefined, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'M' } })
        } else callback()
      })
      const connected = new Promise((resolve) => client.once('connect', resolve))
      client.connect()
      const connection = await broker.connection()
      connection.send({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'M' } })
      expect(await connection.next('auth')).toMatchObject({ reasonCode: 0x18 })
      connection.send({ cmd: 'connack', sessionPresent: false, reasonCode: 0 })
      await connected
      sendAuth(client, { cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'M' } })
      expect(await connection.next('auth')).toMatchObject({ reasonCode: 0x19 })
      connection.send({ cmd: 'auth', reasonCode: 0, properties: { authenticationMethod: 'M' } })
      await expect.poll(() => seen).toEqual([0x18, 0])
    } finally {
      client.end(true)
    }
  })
})

describe('the run-time check of MQTT.js internals at connect', () => {
  it('passes on the MQTT.js this package is tested with', () => {
    const client = createMqttClient(resolveOptions('mqtt://127.0.0.1:1'))
    expect(hasMqttInternals(client)).toBe(true)
    expect(() => assertMqttInternals(client)).not.toThrow()
  })

  it.each(['_sendPacket', '_flush', 'streamBuilder', 'handleMessage', 'removeOutgoingMessage'])(
    'turns a missing %s into an MqttConnectError naming it',
    (name) => {
      const client = createMqttClient(resolveOptions('mqtt://127.0.0.1:1'))
      Object.defineProperty(client, name, { value: undefined })
      expect(hasMqttInternals(client)).toBe(false)
      let thrown: unknown
      try {
        assertMqttInternals(client)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(MqttConnectError)
      expect(thrown).toMatchObject({ failure: 'incompatible-mqtt' })
      expect(String(thrown)).toContain(name)
    },
  )
})
