import { describe, expect, it } from 'vitest'
import {
  formatShared,
  parseShared,
  type TopicRule,
  TopicValidationError,
  validateFilter,
  validateTopic,
} from '../src/index.js'

function ruleOf(check: () => void): TopicRule | undefined {
  try {
    check()
    return undefined
  } catch (error) {
    if (error instanceof TopicValidationError) return error.rule
    throw error
  }
}

const shown = (text: string) =>
  text.length > 30 ? `${JSON.stringify(text.slice(0, 12))}… (${text.length})` : JSON.stringify(text)

describe('validateTopic (MQTT 1.5.4, 4.7)', () => {
  const invalid: [string, TopicRule][] = [
    ['', 'empty'],
    ['a\u0000b', 'null-character'],
    ['\u0000', 'null-character'],
    ['a'.repeat(65_536), 'too-long'],
    // Bytes, not UTF-16 length: 21,846 × 3 bytes = 65,538 bytes in 21,846 code units.
    ['\u20ac'.repeat(21_846), 'too-long'],
    ['\u00e9'.repeat(32_768), 'too-long'],
    ['\u{1f600}'.repeat(16_384), 'too-long'],
    ['\ud800', 'lone-surrogate'],
    ['a/\udc00/b', 'lone-surrogate'],
    ['\udc00\ud800', 'lone-surrogate'],
    ['sport/\ud83d', 'lone-surrogate'],
    ['sport/+', 'wildcard-in-topic-name'],
    ['sport/#', 'wildcard-in-topic-name'],
    ['a+b', 'wildcard-in-topic-name'],
    ['#', 'wildcard-in-topic-name'],
  ]
  it.each(invalid.map(([topic, rule]) => ({ topic, rule, name: shown(topic) })))(
    'rejects $name: $rule',
    ({ topic, rule }) => {
      expect(ruleOf(() => validateTopic(topic))).toBe(rule)
    },
  )

  const valid = [
    'a',
    '/',
    '//',
    'sport/tennis/player1',
    '$SYS/uptime',
    'a'.repeat(65_535),
    '\u20ac'.repeat(21_845),
  ]
  valid.push('\u{1f600}'.repeat(16_383), 'caf\u00e9 / spaces ok', '$share/g/x')
  it.each(valid.map((topic) => ({ topic, name: shown(topic) })))('accepts $name', ({ topic }) => {
    expect(ruleOf(() => validateTopic(topic))).toBeUndefined()
  })

  it('throws a TopicValidationError carrying the rule, the topic and a readable message', () => {
    try {
      validateTopic('a/+')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(TopicValidationError)
      expect(error).toBeInstanceOf(Error)
      const failure = error as TopicValidationError
      expect(failure.name).toBe('TopicValidationError')
      expect(failure.topic).toBe('a/+')
      expect(failure.message).toMatch(/topic name must not contain \+ or #: "a\/\+"/)
    }
  })

  it('names the byte count, not the UTF-16 length, of an over-long topic', () => {
    expect(() => validateTopic('\u20ac'.repeat(21_846))).toThrow(/65535 UTF-8 bytes, not 65538/)
  })
})

describe('validateFilter (MQTT 4.7.1, 4.8.2)', () => {
  const invalid: [string, TopicRule][] = [
    ['', 'empty'],
    ['a/\u0000', 'null-character'],
    ['+/'.repeat(32_768), 'too-long'],
    ['a/\udfff', 'lone-surrogate'],
    ['sport/tennis/#/ranking', 'multi-level-wildcard-not-last'],
    ['#/', 'multi-level-wildcard-not-last'],
    ['sport/tennis#', 'multi-level-wildcard-not-whole-level'],
    ['sport/#tennis', 'multi-level-wildcard-not-whole-level'],
    ['##', 'multi-level-wildcard-not-whole-level'],
    ['sport+', 'single-level-wildcard-not-whole-level'],
    ['sport/+tennis', 'single-level-wildcard-not-whole-level'],
    ['++', 'single-level-wildcard-not-whole-level'],
    ['$share/', 'shared-subscription-empty-group'],
    ['$share//jobs', 'shared-subscription-empty-group'],
    ['$share/g+/jobs', 'shared-subscription-invalid-group'],
    ['$share/#/jobs', 'shared-subscription-invalid-group'],
    ['$share/+', 'shared-subscription-invalid-group'],
    ['$share/g', 'shared-subscription-missing-filter'],
    ['$share/g/', 'shared-subscription-missing-filter'],
    ['$share/g/jobs/#/x', 'multi-level-wildcard-not-last'],
    ['$share/g/jobs+', 'single-level-wildcard-not-whole-level'],
  ]
  it.each(invalid.map(([filter, rule]) => ({ filter, rule, name: shown(filter) })))(
    'rejects $name: $rule',
    ({ filter, rule }) => {
      expect(ruleOf(() => validateFilter(filter))).toBe(rule)
    },
  )

  const valid = ['#', '+', '/', '+/+', '/#', 'sport/+/player1', 'sport/tennis/#', '$SYS/#', '+/tennis/#']
  valid.push('$share/g/#', '$share/g/+/x', '$share/g/$SYS/#', '$share', '$shared/x', 'a'.repeat(65_535))
  it.each(valid.map((filter) => ({ filter, name: shown(filter) })))('accepts $name', ({ filter }) => {
    expect(ruleOf(() => validateFilter(filter))).toBeUndefined()
  })

  it('reads $share/... as an ordinary filter under MQTT 3.1.1 and 3.1', () => {
    for (const protocolVersion of [3, 4] as const) {
      expect(ruleOf(() => validateFilter('$share//jobs', { protocolVersion }))).toBeUndefined()
      expect(ruleOf(() => validateFilter('$share/g', { protocolVersion }))).toBeUndefined()
      expect(ruleOf(() => validateFilter('$share/g+/x', { protocolVersion }))).toBe(
        'single-level-wildcard-not-whole-level',
      )
    }
  })
})

describe('parseShared and formatShared (MQTT 4.8.2)', () => {
  it('splits a shared filter into group and filter', () => {
    expect(parseShared('$share/workers/jobs/#')).toEqual({ group: 'workers', filter: 'jobs/#' })
    expect(parseShared('$share/g/$SYS/#')).toEqual({ group: 'g', filter: '$SYS/#' })
    expect(parseShared('$share/g//')).toEqual({ group: 'g', filter: '/' })
  })

  it('returns undefined for ordinary filters, and for every filter under MQTT 3.1.1', () => {
    expect(parseShared('jobs/#')).toBeUndefined()
    expect(parseShared('$share')).toBeUndefined()
    expect(parseShared('$share/workers/jobs/#', { protocolVersion: 4 })).toBeUndefined()
  })

  it('throws for a malformed shared filter', () => {
    expect(ruleOf(() => parseShared('$share//jobs'))).toBe('shared-subscription-empty-group')
    expect(ruleOf(() => parseShared('$share/g'))).toBe('shared-subscription-missing-filter')
    expect(ruleOf(() => parseShared('$share/g/a#'))).toBe('multi-level-wildcard-not-whole-level')
  })

  it('builds a shared filter and rejects a group holding /, + or #', () => {
    expect(formatShared('workers', 'jobs/#')).toBe('$share/workers/jobs/#')
    expect(ruleOf(() => formatShared('a/b', 'jobs'))).toBe('shared-subscription-invalid-group')
    expect(ruleOf(() => formatShared('a+', 'jobs'))).toBe('shared-subscription-invalid-group')
    expect(ruleOf(() => formatShared('#', 'jobs'))).toBe('shared-subscription-invalid-group')
    expect(ruleOf(() => formatShared('', 'jobs'))).toBe('shared-subscription-empty-group')
    expect(ruleOf(() => formatShared('g', ''))).toBe('shared-subscription-missing-filter')
    expect(ruleOf(() => formatShared('g', 'a/#/b'))).toBe('multi-level-wildcard-not-last')
  })
})
