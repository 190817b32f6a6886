import { describe, expect, it } from 'vitest'
import { describeValue } from '../../src/errors/describe-value.js'
import { MqttValidationError } from '../../src/errors/errors.js'
import {
  checkCallOptions,
  checkFilter,
  checkFilters,
  checkQoS,
  checkQueueOptions,
  checkTopic,
  checkUserProperties,
  requireMqtt5,
} from '../../src/validation/checks.js'

function caught(fn: () => unknown): MqttValidationError {
  try {
    fn()
  } catch (error) {
    if (error instanceof MqttValidationError) return error
    throw error
  }
  throw new Error('expected an MqttValidationError')
}

describe('checkTopic', () => {
  it('accepts topic names, empty levels and $ topics included', () => {
    for (const topic of ['a', 'a/b/c', '/', 'a//b', '$SYS/x', 'é/ü']) expect(checkTopic(topic)).toBe(topic)
  })

  it.each([
    ['', 'empty'],
    ['a/+', 'wildcard'],
    ['a/#', 'wildcard'],
    ['a\u0000b', 'U+0000'],
    ['x'.repeat(65_536), '65535'],
  ])('rejects %j (%s) with field "topic"', (topic, words) => {
    const error = caught(() => checkTopic(topic))
    expect(error.field).toBe('topic')
    expect(error.message).toContain(words === 'wildcard' ? '+ or #' : words === 'empty' ? 'empty' : words)
  })

  it('rejects non-strings', () => {
    expect(caught(() => checkTopic(42)).message).toMatch(/string/)
  })
})

describe('checkFilter', () => {
  it('accepts wildcards in whole levels', () => {
    expect(checkFilter('a/+/c/#')).toEqual({ filter: 'a/+/c/#', match: 'a/+/c/#', shared: false })
    expect(checkFilter('#').match).toBe('#')
  })

  it('routes shared subscriptions by the filter after the group', () => {
    expect(checkFilter('$share/workers/jobs/#')).toEqual({
      filter: '$share/workers/jobs/#',
      match: 'jobs/#',
      shared: true,
    })
  })

  it.each(['a/#/b', 'a/b#', 'a+/b', '', '$share//x', '$share/g', '$share/g+/x'])('rejects %j', (filter) => {
    expect(caught(() => checkFilter(filter)).field).toBe('filter')
  })
})

describe('checkFilters', () => {
  it('takes one filter or a list', () => {
    expect(checkFilters('a').map((entry) => entry.filter)).toEqual(['a'])
    expect(checkFilters(['a', 'b/#']).map((entry) => entry.filter)).toEqual(['a', 'b/#'])
  })

  it('rejects an empty list and duplicates', () => {
    expect(caught(() => checkFilters([])).message).toMatch(/non-empty/)
    expect(caught(() => checkFilters(['a', 'a'])).message).toMatch(/twice/)
  })
})

describe('checkQoS', () => {
  it('accepts 0, 1, 2 and defaults to 0', () => {
    expect(checkQoS(undefined)).toBe(0)
    expect(checkQoS(2)).toBe(2)
  })

  it.each([3, -1, 1.5, '1', null])('rejects %j', (qos) => {
    expect(caught(() => checkQoS(qos)).field).toBe('qos')
  })
})

describe('checkCallOptions', () => {
  it('gives the default timeout, or the one asked for', () => {
    expect(checkCallOptions(undefined, 10)).toBe(10)
    expect(checkCallOptions({}, 10)).toBe(10)
    expect(checkCallOptions({ timeout: 5 }, 10)).toBe(5)
  })

  it('rejects bad timeouts and signals', () => {
    expect(caught(() => checkCallOptions({ timeout: 0 }, 10)).field).toBe('timeout')
    expect(caught(() => checkCallOptions({ timeout: Number.NaN }, 10)).field).toBe('timeout')
    expect(caught(() => checkCallOptions({ signal: {} as AbortSignal }, 10)).field).toBe('signal')
  })
})

describe('checkQueueOptions', () => {
  const defaults = { maxQueued: 100, overflow: 'drop-oldest' } as const

  it('fills in the defaults', () => {
    expect(checkQueueOptions({}, defaults)).toEqual(defaults)
    expect(checkQueueOptions({ overflow: 'error', maxQueued: 1 }, defaults)).toEqual({
      maxQueued: 1,
      overflow: 'error',
    })
  })

  it('rejects nonsense', () => {
    expect(caught(() => checkQueueOptions({ maxQueued: 0 }, defaults)).field).toBe('maxQueued')
    expect(caught(() => checkQueueOptions({ overflow: 'drop' as never }, defaults)).field).toBe('overflow')
  })
})

describe('MQTT 5-only settings', () => {
  it('checks user properties are strings', () => {
    expect(() => checkUserProperties({ a: 'x', b: ['y', 'z'] })).not.toThrow()
    expect(() => checkUserProperties({ a: 1 as never })).toThrow(MqttValidationError)
  })

  it('refuses MQTT 5 features on an MQTT 3.1.1 connection', () => {
    expect(() => requireMqtt5(5, true, 'noLocal')).not.toThrow()
    expect(() => requireMqtt5(4, false, 'noLocal')).not.toThrow()
    expect(caught(() => requireMqtt5(4, true, 'noLocal')).message).toMatch(/MQTT 5.*3\.1\.1/)
  })
})

describe('values that cannot be turned into text', () => {
  // fast-check found `{ toString: 0 }` as a QoS: quoting it in the message threw a TypeError
  const unprintable = [{ toString: 0 }, Object.create(null) as object, { [Symbol.toPrimitive]: 1 }]

  it('still get an MqttValidationError that names the field', () => {
    for (const value of unprintable) {
      expect(caught(() => checkQoS(value as never)).message).toBe('qos must be 0, 1 or 2, not an object')
      expect(caught(() => checkCallOptions({ timeout: value as never }, 1_000)).field).toBe('timeout')
      const limits = { maxQueued: 1, overflow: 'drop-oldest' } as const
      expect(caught(() => checkQueueOptions({ maxQueued: value as never }, limits)).field).toBe('maxQueued')
      expect(caught(() => checkQueueOptions({ overflow: value as never }, limits)).field).toBe('overflow')
    }
  })

  it('are described by type, strings quoted and cut', () => {
    expect(describeValue({ toString: 0 })).toBe('an object')
    expect(describeValue([1])).toBe('an array')
    expect(describeValue(3)).toBe('3')
    expect(describeValue(undefined)).toBe('undefined')
    expect(describeValue('x'.repeat(50))).toBe(`"${'x'.repeat(40)}…"`)
  })
})
