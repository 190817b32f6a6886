import { describe, expect, it } from 'vitest'
import { Message } from '../../src/incoming/message.js'
import { PackedMessages } from '../../src/incoming/packed-messages.js'
import { Topic } from '../../src/incoming/topic.js'

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill)

describe('PackedMessages', () => {
  it('gives back every field, in order, sharing the Topic', () => {
    const topic = new Topic('a/b')
    const properties = { contentType: 'text/plain', userProperties: { k: 'v' } }
    const packed = new PackedMessages()
    packed.append(new Message({ topic, payload: bytes(3, 1), qos: 0 }))
    packed.append(
      new Message({
        topic,
        payload: bytes(0, 0),
        qos: 2,
        retain: true,
        dup: true,
        messageId: 65_535,
        properties,
      }),
    )
    packed.append(new Message({ topic: 'c', payload: bytes(5, 7), qos: 1, messageId: 1 }))
    expect(packed.size).toBe(3)
    const [first, second, third] = packed.take()
    expect(packed.size).toBe(0)
    expect(first?.topic).toBe(topic)
    expect([...(first?.payload ?? [])]).toEqual([1, 1, 1])
    expect([first?.qos, first?.retain, first?.dup, first?.messageId]).toEqual([0, false, false, undefined])
    expect(first?.properties).toEqual({})
    expect(second?.payload.byteLength).toBe(0)
    expect([second?.qos, second?.retain, second?.dup, second?.messageId]).toEqual([2, true, true, 65_535])
    expect(second?.properties).toBe(properties)
    expect([third?.topic.value, third?.qos, third?.messageId, [...(third?.payload ?? [])]]).toEqual([
      'c',
      1,
      1,
      [7, 7, 7, 7, 7],
    ])
  })

  it('copies payloads: changing the original later changes nothing', () => {
    const payload = bytes(4, 1)
    const packed = new PackedMessages()
    packed.append(new Message({ topic: 't', payload, qos: 0 }))
    payload.fill(9)
    expect([...(packed.take()[0]?.payload ?? [])]).toEqual([1, 1, 1, 1])
  })

  it('keeps a Buffer a Buffer, and a plain Uint8Array plain', () => {
    const packed = new PackedMessages()
    packed.append(new Message({ topic: 't', payload: Buffer.from('hi'), qos: 0 }))
    const [fromBuffer] = packed.take()
    expect(Buffer.isBuffer(fromBuffer?.payload)).toBe(true)
    expect(fromBuffer?.text()).toBe('hi')
    packed.append(new Message({ topic: 't', payload: bytes(2, 65), qos: 0 }))
    const [plain] = packed.take()
    expect(Buffer.isBuffer(plain?.payload)).toBe(false)
    expect(plain?.text()).toBe('AA')
  })

  it('spreads payloads over blocks, larger ones than a block included', () => {
    const packed = new PackedMessages()
    const sizes = [40_000, 40_000, 100_000, 1, 65_536, 0, 30_000]
    sizes.forEach((size, index) => {
      packed.append(new Message({ topic: 't', payload: bytes(size, index + 1), qos: 0 }))
    })
    const messages = packed.take()
    expect(messages.map((message) => message.payload.byteLength)).toEqual(sizes)
    messages.forEach((message, index) => {
      expect(message.payload.every((byte) => byte === index + 1)).toBe(true)
    })
  })

  it('drops the oldest first, and stays in order across compactions', () => {
    const packed = new PackedMessages()
    const text = (n: number) => new TextEncoder().encode(String(n))
    for (let n = 0; n < 5_000; n++) {
      packed.append(new Message({ topic: 't', payload: text(n), qos: 0 }))
      if (packed.size > 3) packed.dropOldest()
    }
    expect(packed.take().map((message) => message.text())).toEqual(['4997', '4998', '4999'])
    packed.dropOldest()
    expect(packed.size).toBe(0)
  })
  it('grows while wrapped around, keeping the order', () => {
    const packed = new PackedMessages()
    const text = (n: number) => new TextEncoder().encode(String(n))
    const add = (from: number, to: number) => {
      for (let n = from; n < to; n++) packed.append(new Message({ topic: 't', payload: text(n), qos: 0 }))
    }
    add(0, 12)
    for (let n = 0; n < 10; n++) packed.dropOldest()
    add(12, 50)
    expect(packed.take().map((message) => Number(message.text()))).toEqual(
      Array.from({ length: 40 }, (_, index) => index + 10),
    )
  })
})
