import { describe, expect, it } from 'vitest'
import { pattern, TopicTrie, TopicValidationError } from '../src/index.js'

describe('pattern() named wildcards', () => {
  it('derives the MQTT filter and extracts named levels', () => {
    const reading = pattern('sensors/+id/#rest')
    expect(reading.filter).toBe('sensors/+/#')
    expect(reading.pattern).toBe('sensors/+id/#rest')
    expect(reading.match('sensors/kitchen/temperature/celsius')).toEqual({
      id: 'kitchen',
      rest: ['temperature', 'celsius'],
    })
  })

  it('gives # the remaining levels as an array: [] for the parent level, [""] for a trailing slash', () => {
    const all = pattern('sport/#rest')
    expect(all.match('sport')).toEqual({ rest: [] })
    expect(all.match('sport/')).toEqual({ rest: [''] })
    expect(all.match('sport/tennis/player1')).toEqual({ rest: ['tennis', 'player1'] })
    expect(pattern('#everything').match('a//b')).toEqual({ everything: ['a', '', 'b'] })
  })

  it('captures empty levels with +', () => {
    expect(pattern('+first/+second').match('/finance')).toEqual({ first: '', second: 'finance' })
  })

  it('returns undefined when the topic does not match, following every spec rule', () => {
    const reading = pattern('+kind/+id')
    expect(reading.match('a/b/c')).toBeUndefined()
    expect(reading.match('a')).toBeUndefined()
    expect(reading.match('$SYS/uptime')).toBeUndefined()
    expect(pattern('Sensors/+id').match('sensors/x')).toBeUndefined()
  })

  it('matches without capturing for bare + and #', () => {
    const bare = pattern('a/+/b/#')
    expect(bare.filter).toBe('a/+/b/#')
    expect(bare.match('a/x/b/c')).toEqual({})
    expect(pattern('a/+/+id').match('a/x/y')).toEqual({ id: 'y' })
  })

  it('rejects a repeated name and an invalid filter, naming the pattern', () => {
    expect(() => pattern('+id/+id')).toThrow(TopicValidationError)
    expect(() => pattern('+id/+id')).toThrow(/the name id appears twice/)
    try {
      pattern('#rest/more')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(TopicValidationError)
      expect((error as TopicValidationError).rule).toBe('multi-level-wildcard-not-last')
      expect((error as TopicValidationError).topic).toBe('#rest/more')
    }
    expect(() => pattern('a+id/b')).toThrow(TopicValidationError)
  })

  it('works with a TopicTrie through its filter', () => {
    const reading = pattern('sensors/+id/#rest')
    const trie = new TopicTrie<typeof reading>().add(reading.filter, reading)
    const topic = 'sensors/hall/humidity'
    const params = trie.match(topic).map((entry) => entry.match(topic))
    expect(params).toEqual([{ id: 'hall', rest: ['humidity'] }])
  })
})
