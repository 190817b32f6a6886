import { describe, expect, it } from 'vitest'
import { TopicTrie, TopicValidationError } from '../src/index.js'

const sorted = <T>(values: T[]) => [...values].sort()

describe('TopicTrie', () => {
  it('returns one entry per matching (filter, value) pair', () => {
    const trie = new TopicTrie<string>().add('sport/#', 'a').add('sport/+', 'a').add('sport/tennis', 'b')
    expect(trie.size).toBe(3)
    expect(sorted(trie.match('sport/tennis'))).toEqual(['a', 'a', 'b'])
    expect(trie.match('weather')).toEqual([])
  })

  it('stores a pair added twice twice, and remove(filter, value) takes one away', () => {
    const trie = new TopicTrie<number>().add('a/b', 1).add('a/b', 1)
    expect(trie.size).toBe(2)
    expect(trie.match('a/b')).toEqual([1, 1])
    expect(trie.remove('a/b', 1)).toBe(true)
    expect(trie.match('a/b')).toEqual([1])
    expect(trie.size).toBe(1)
  })

  it('remove(filter) removes every value of that filter, and says whether it removed anything', () => {
    const trie = new TopicTrie<number>().add('a/+', 1).add('a/+', 2).add('a/#', 3)
    expect(trie.remove('a/+')).toBe(true)
    expect(trie.remove('a/+')).toBe(false)
    expect(trie.remove('a/#', 4)).toBe(false)
    expect(trie.remove('never/added')).toBe(false)
    expect(trie.size).toBe(1)
    expect(trie.match('a/b')).toEqual([3])
  })

  it('tells undefined and NaN values apart from "no value" (SameValueZero)', () => {
    const trie = new TopicTrie<number | undefined>().add('a', undefined).add('a', Number.NaN)
    expect(trie.has('a', undefined)).toBe(true)
    expect(trie.has('a', Number.NaN)).toBe(true)
    expect(trie.remove('a', undefined)).toBe(true)
    expect(trie.has('a', undefined)).toBe(false)
    expect(trie.has('a')).toBe(true)
    expect(trie.remove('a', Number.NaN)).toBe(true)
    expect(trie.has('a')).toBe(false)
  })

  it('stores array values as values, one or several', () => {
    const first = [1, 2]
    const second = [3]
    const trie = new TopicTrie<number[]>().add('a/#', first)
    expect(trie.match('a/b')).toEqual([first])
    expect(trie.match('a/b')[0]).toBe(first)
    trie.add('a/#', second)
    expect(trie.match('a')).toEqual([first, second])
    expect(trie.remove('a/#', first)).toBe(true)
    expect(trie.match('a')).toEqual([second])
    expect([...trie]).toEqual([['a/#', [second]]])
  })

  it('has() looks up the very filter, not the filters that would match it', () => {
    const trie = new TopicTrie<number>().add('a/+', 1).add('a/b/c', 2)
    expect(trie.has('a/+')).toBe(true)
    expect(trie.has('a/+', 1)).toBe(true)
    expect(trie.has('a/+', 2)).toBe(false)
    expect(trie.has('a/b')).toBe(false)
    expect(trie.has('a/b/c')).toBe(true)
    expect(trie.has('a/#')).toBe(false)
  })

  it('returns a fresh array from match(): mutating it does not touch the trie', () => {
    const trie = new TopicTrie<number>().add('a/b', 1).add('a/b', 2).add('a/#', 3)
    const first = trie.match('a/b')
    first.push(99)
    first.length = 0
    const second = trie.match('a/b')
    expect(second).not.toBe(first)
    expect(sorted(second)).toEqual([1, 2, 3])
    const single = new TopicTrie<number>().add('x', 1)
    const result = single.match('x')
    result[0] = 42
    expect(single.match('x')).toEqual([1])
  })

  it('iterates every filter with a copy of its values', () => {
    const trie = new TopicTrie<number>().add('a/b', 1).add('a/b', 2).add('#', 3).add('+/x/#', 4).add('/', 5)
    const entries = [...trie].sort(([a], [b]) => (a < b ? -1 : 1))
    expect(entries).toEqual([
      ['#', [3]],
      ['+/x/#', [4]],
      ['/', [5]],
      ['a/b', [1, 2]],
    ])
    for (const [, values] of trie.entries()) values.length = 0
    expect(trie.size).toBe(5)
    expect(sorted(trie.match('a/b'))).toEqual([1, 2, 3])
  })

  it('clear() empties it', () => {
    const trie = new TopicTrie<number>().add('a', 1).add('$share/g/b', 2)
    trie.clear()
    expect(trie.size).toBe(0)
    expect([...trie]).toEqual([])
    expect(trie.test('a')).toBe(false)
  })

  it('validates filters when adding them', () => {
    const trie = new TopicTrie<number>()
    expect(() => trie.add('a/#/b', 1)).toThrow(TopicValidationError)
    expect(() => trie.add('', 1)).toThrow(TopicValidationError)
    expect(trie.size).toBe(0)
  })

  it('keeps levels apart that share a prefix of characters, or split and merge edges', () => {
    const trie = new TopicTrie<string>()
    for (const filter of ['abc/def/ghi', 'abc/def', 'abc/de', 'abc/defg/ghi', 'abc', 'ab/c/def'])
      trie.add(filter, filter)
    for (const filter of ['abc/def/ghi', 'abc/def', 'abc/de', 'abc/defg/ghi', 'abc', 'ab/c/def']) {
      expect(trie.match(filter)).toEqual([filter])
    }
    expect(trie.match('abc/def/gh')).toEqual([])
    expect(trie.remove('abc/def')).toBe(true)
    expect(trie.remove('abc/de')).toBe(true)
    expect(trie.match('abc/def/ghi')).toEqual(['abc/def/ghi'])
    expect(trie.match('abc/defg/ghi')).toEqual(['abc/defg/ghi'])
    expect(trie.match('abc/def')).toEqual([])
  })

  it('handles nodes with many children (the hash table grows and shrinks)', () => {
    const trie = new TopicTrie<number>()
    for (let index = 0; index < 3000; index++) trie.add(`level${index}/x`, index)
    for (let index = 0; index < 3000; index += 2) expect(trie.remove(`level${index}/x`, index)).toBe(true)
    for (let index = 0; index < 3000; index++) {
      expect(trie.match(`level${index}/x`)).toEqual(index % 2 === 0 ? [] : [index])
    }
    expect(trie.size).toBe(1500)
  })

  it('has no level limit: 150 levels, and 20,000 levels without a stack overflow', () => {
    const levels150 = Array.from({ length: 150 }, (_, index) => `level${index}`)
    const deep = levels150.join('/')
    const trie = new TopicTrie<string>()
      .add(deep, 'exact')
      .add(`${levels150.slice(0, 100).join('/')}/#`, 'rest')
    expect(sorted(trie.match(deep))).toEqual(['exact', 'rest'])
    const levels = 20_000
    const plusses = Array.from({ length: levels }, () => '+').join('/')
    const huge = new TopicTrie<string>().add(plusses, 'plusses').add('/'.repeat(levels - 1), 'empties')
    expect(sorted(huge.match('/'.repeat(levels - 1)))).toEqual(['empties', 'plusses'])
    expect(huge.test('/'.repeat(levels))).toBe(false)
    expect([...huge].length).toBe(2)
    expect(huge.remove(plusses)).toBe(true)
  })
})

describe('TopicTrie and shared subscriptions', () => {
  it('matches $share/{group}/{filter} like {filter} under MQTT 5 and keeps its own name', () => {
    const trie = new TopicTrie<string>().add('$share/workers/jobs/+', 'shared').add('jobs/+', 'plain')
    expect(sorted(trie.match('jobs/1'))).toEqual(['plain', 'shared'])
    expect(trie.has('$share/workers/jobs/+')).toBe(true)
    expect(trie.has('$share/others/jobs/+')).toBe(false)
    expect(sorted([...trie].map(([filter]) => filter))).toEqual(['$share/workers/jobs/+', 'jobs/+'])
    expect(trie.remove('jobs/+')).toBe(true)
    expect(trie.match('jobs/1')).toEqual(['shared'])
    expect(trie.remove('$share/workers/jobs/+', 'shared')).toBe(true)
    expect(trie.size).toBe(0)
    expect([...trie]).toEqual([])
  })

  it('applies the $ rule inside $share/{group}/#', () => {
    const trie = new TopicTrie<string>().add('$share/g/#', 'all')
    expect(trie.test('$SYS/broker/uptime')).toBe(false)
    expect(trie.match('sensors/1')).toEqual(['all'])
  })

  it('reads $share/... as an ordinary filter under MQTT 3.1.1', () => {
    const trie = new TopicTrie<string>({ protocolVersion: 4 })
      .add('$share/g/jobs', 'x')
      .add('$share//jobs', 'y')
    expect(trie.match('jobs')).toEqual([])
    expect(trie.match('$share/g/jobs')).toEqual(['x'])
    expect(trie.match('$share//jobs')).toEqual(['y'])
  })
})
