import { describe, expect, it } from 'vitest'
import { createMqttClient } from '../../src/mqttjs/create-mqtt-client.js'
import { mqttJsLog } from '../../src/mqttjs/mqtt-js-log.js'
import { resolveOptions } from '../../src/options/resolve-options.js'

describe("MQTT.js's debug log", () => {
  it('is a no-op unless DEBUG asks for mqttjs (or everything)', () => {
    for (const setting of ['', 'express:*', '-mqttjs*', 'mqtt-packet']) {
      expect(mqttJsLog(setting), setting).toBeTypeOf('function')
    }
    for (const setting of ['mqttjs*', 'mqttjs:client', '*', 'express:*,mqttjs*', 'app mqttjs:*']) {
      expect(mqttJsLog(setting), setting).toBeUndefined()
    }
  })

  it('is what a new MQTT.js client logs through, unless mqtt.log is given', () => {
    const saved = process.env.DEBUG
    try {
      delete process.env.DEBUG
      const quiet = createMqttClient(resolveOptions('mqtt://127.0.0.1:1'))
      expect(quiet.log).toBe(mqttJsLog(''))
      process.env.DEBUG = 'mqttjs*'
      const verbose = createMqttClient(resolveOptions('mqtt://127.0.0.1:1'))
      expect((verbose.log as unknown as { namespace: string }).namespace).toBe('mqttjs:client')
      const own = () => {}
      const given = createMqttClient(resolveOptions({ url: 'mqtt://127.0.0.1:1', mqtt: { log: own } }))
      expect(given.log).toBe(own)
    } finally {
      if (saved === undefined) delete process.env.DEBUG
      else process.env.DEBUG = saved
    }
  })
})
