import { describe, expect, it } from 'vitest'
import { MqttValidationError } from '../../src/errors/errors.js'
import { asBuffer } from '../../src/helpers/bytes.js'
import { encodePayload } from '../../src/outgoing/encode-payload.js'

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('encodePayload', () => {
  it('encodes strings as UTF-8', () => {
    expect([...encodePayload('hé')]).toEqual([0x68, 0xc3, 0xa9])
  })

  it('sends numbers and booleans as their text, like the seed does', () => {
    expect(text(encodePayload(0.38))).toBe('0.38')
    expect(text(encodePayload(-7))).toBe('-7')
    expect(text(encodePayload(true))).toBe('true')
    expect(text(encodePayload(false))).toBe('false')
  })

  it('sends null and undefined as an empty payload', () => {
    expect(encodePayload(null).byteLength).toBe(0)
    expect(encodePayload(undefined).byteLength).toBe(0)
  })

  it('uses byte arrays without copying', () => {
    const bytes = new Uint8Array([1, 2, 3])
    expect(encodePayload(bytes)).toBe(bytes)
    const buffer = Buffer.from('abc')
    expect(encodePayload(buffer)).toBe(buffer)
  })

  it('rejects non-finite numbers', () => {
    expect(() => encodePayload(Number.NaN)).toThrow(MqttValidationError)
    expect(() => encodePayload(Number.POSITIVE_INFINITY)).toThrow(/finite/)
  })

  it('rejects other types, naming them', () => {
    for (const bad of [{}, [], 1n, Symbol('x'), () => 1]) {
      const error = (() => {
        try {
          encodePayload(bad as never)
        } catch (caught) {
          return caught
        }
      })()
      expect(error).toBeInstanceOf(MqttValidationError)
      expect((error as MqttValidationError).field).toBe('payload')
    }
  })
})

describe('asBuffer', () => {
  it('shares memory with the byte array it wraps', () => {
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1, 3)
    const buffer = asBuffer(bytes)
    expect([...buffer]).toEqual([2, 3])
    bytes[0] = 9
    expect(buffer[0]).toBe(9)
  })
})
