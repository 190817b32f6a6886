import { describe, expect, it } from 'vitest'
import { MqttValidationError } from '../../src/errors/errors.js'
import { Message } from '../../src/incoming/message.js'
import { Topic } from '../../src/incoming/topic.js'

describe('Topic', () => {
  it('splits into levels and matches filters', () => {
    const topic = new Topic('sensors/kitchen/temperature')
    expect(topic.levels).toEqual(['sensors', 'kitchen', 'temperature'])
    expect(topic.matches('sensors/+/temperature')).toBe(true)
    expect(topic.matches('sensors/#')).toBe(true)
    expect(topic.matches('$share/g/sensors/#')).toBe(true)
    expect(topic.matches('sensors/+')).toBe(false)
    expect(String(topic)).toBe('sensors/kitchen/temperature')
    expect(JSON.stringify({ topic })).toBe('{"topic":"sensors/kitchen/temperature"}')
  })

  it('is validated', () => {
    expect(() => new Topic('a/+')).toThrow(MqttValidationError)
    expect(() => new Topic('a').matches('a/#/b')).toThrow(MqttValidationError)
  })
})

describe('Message', () => {
  it('takes a topic name (validated) or a Topic, which messages may share', () => {
    const topic = new Topic('a/b')
    const first = new Message({ topic, payload: new Uint8Array(), qos: 0 })
    const second = new Message({ topic, payload: new Uint8Array(), qos: 0 })
    expect(first.topic).toBe(topic)
    expect(second.topic).toBe(first.topic)
    expect(new Message({ topic: 'a/b', payload: new Uint8Array(), qos: 0 }).topic).not.toBe(topic)
    expect(() => new Message({ topic: 'a/#', payload: new Uint8Array(), qos: 0 })).toThrow(
      MqttValidationError,
    )
  })

  it('keeps the payload without copying and decodes it on demand', () => {
    const payload = Buffer.from('{"celsius":21.5}')
    const message = new Message({ topic: 't', payload, qos: 1, messageId: 7, retain: true })
    expect(message.payload).toBe(payload)
    expect(message.text()).toBe('{"celsius":21.5}')
    expect(message.json<{ celsius: number }>().celsius).toBe(21.5)
    expect(message.retain).toBe(true)
    expect(message.dup).toBe(false)
    expect(message.messageId).toBe(7)
    expect(message.properties).toEqual({})
  })

  it('has no messageId at QoS 0', () => {
    expect(
      new Message({ topic: 't', payload: new Uint8Array(), qos: 0, messageId: 0 }).messageId,
    ).toBeUndefined()
  })

  it('json() throws on non-JSON', () => {
    expect(() => new Message({ topic: 't', payload: Buffer.from('nope'), qos: 0 }).json()).toThrow(
      SyntaxError,
    )
  })
})
