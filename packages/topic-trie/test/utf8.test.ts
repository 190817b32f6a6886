import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  maxStringBytes,
  mqttStringProblem,
  type StringRule,
  TopicValidationError,
  utf8ByteLength,
  validateFilter,
  validateTopic,
} from '../src/index.js'

/**
 * A reference written as plainly as possible, code point by code point, after mosquitto's
 * `mosquitto_validate_utf8` (lib/utf8_mosq.c): the oracle the fast implementation is checked against.
 */
function reference(value: string, strict: boolean): StringRule | undefined {
  let bytes = 0
  const points: number[] = []
  for (let index = 0; index < value.length; index++) {
    const high = value.charCodeAt(index)
    const low = value.charCodeAt(index + 1)
    if (high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
      points.push((high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000)
      index++
    } else points.push(high)
  }
  if (points.includes(0)) return 'null-character'
  if (points.some((point) => point >= 0xd800 && point <= 0xdfff)) return 'lone-surrogate'
  for (const point of points) bytes += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4
  if (bytes > 65_535) return 'too-long'
  if (!strict) return undefined
  for (const point of points) {
    if (point <= 0x1f || (point >= 0x7f && point <= 0x9f)) return 'control-character'
    if ((point >= 0xfdd0 && point <= 0xfdef) || (point & 0xffff) >= 0xfffe) return 'non-character'
  }
  return undefined
}

/** Strings from any UTF-16 code units (lone surrogates included) and from every code point. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc
    .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 })
    .map((codes) => String.fromCharCode(...codes)),
  fc
    .array(
      fc.constantFrom(
        0x01,
        0x1f,
        0x7f,
        0x9f,
        0xa0,
        0xfdd0,
        0xfdef,
        0xfdf0,
        0xfffe,
        0xffff,
        0x1fffe,
        0x10ffff,
        0x1f642,
      ),
      { maxLength: 4 },
    )
    .map((points) => `a${String.fromCodePoint(...points)}b`),
)

describe('mqttStringProblem (MQTT 1.5.4, and what mosquitto refuses)', () => {
  it.each([
    ['\u0001', 'control-character'],
    ['a\u001fb', 'control-character'],
    ['\u007f', 'control-character'],
    ['\u0085', 'control-character'],
    ['\u009f', 'control-character'],
    ['\ufdd0', 'non-character'],
    ['\ufdef', 'non-character'],
    ['\ufffe', 'non-character'],
    ['\uffff', 'non-character'],
    ['\u{1fffe}', 'non-character'],
    ['\u{10ffff}', 'non-character'],
    ['x\u0000', 'null-character'],
    ['\udc00', 'lone-surrogate'],
    ['\ud83d', 'lone-surrogate'],
    ['a'.repeat(maxStringBytes + 1), 'too-long'],
  ] as const)('strict: refuses %j (%s)', (value, rule) => {
    expect(mqttStringProblem(value, { strict: true })?.rule).toBe(rule)
  })

  it.each(['', 'a/b', '\u00a0', '\ufdcf', '\ufdf0', '\ufffd', '🙂', '\u{1fffd}', 'a'.repeat(maxStringBytes)])(
    'strict: accepts %j',
    (value) => {
      expect(mqttStringProblem(value, { strict: true })).toBeUndefined()
    },
  )

  it('by default keeps to the MUST rules: control characters and non-characters pass', () => {
    expect(mqttStringProblem('a\u0001\ufffe')).toBeUndefined()
    expect(mqttStringProblem('a\u0000')?.rule).toBe('null-character')
  })

  it('names the code point and where it is', () => {
    expect(mqttStringProblem('ab\u0001', { strict: true })?.reason).toBe(
      'contains the control character U+0001 at index 2',
    )
    expect(mqttStringProblem('a\u{1ffff}', { strict: true })?.reason).toBe(
      'contains the non-character U+1FFFF at index 1',
    )
  })

  it('agrees with a code-point-by-code-point reference on random strings (strict and not)', () => {
    fc.assert(
      fc.property(anyString, fc.boolean(), (value, strict) => {
        expect(mqttStringProblem(value, { strict })?.rule).toBe(reference(value, strict))
      }),
      { numRuns: 5_000 },
    )
  })

  it('utf8ByteLength is what TextEncoder produces, and -1 for a lone surrogate', () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const expected = value.isWellFormed() ? new TextEncoder().encode(value).byteLength : -1
        expect(utf8ByteLength(value)).toBe(expected)
      }),
      { numRuns: 2_000 },
    )
  })
})

describe('validateTopic / validateFilter with strict', () => {
  it('refuses control characters and non-characters only when strict', () => {
    expect(() => validateTopic('rooms/\u0001')).not.toThrow()
    expect(() => validateFilter('rooms/\uffff/+')).not.toThrow()
    expect(() => validateTopic('rooms/\u0001', { strict: true })).toThrow(TopicValidationError)
    expect(() => validateFilter('rooms/\uffff/+', { strict: true })).toThrow(/non-character U\+FFFF/)
    expect(() => validateFilter('$share/g\u0085/a', { strict: true })).toThrow(/control character U\+0085/)
  })

  it('carries the rule', () => {
    try {
      validateTopic('a\u007f', { strict: true })
      expect.unreachable()
    } catch (error) {
      expect((error as TopicValidationError).rule).toBe('control-character')
      expect((error as TopicValidationError).message).toBe(
        'a topic name contains the control character U+007F at index 1: "a\u007f"',
      )
    }
  })
})
