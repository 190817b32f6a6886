import { describe, expect, it } from 'vitest'
import { matches, TopicTrie, validateFilter, validateTopic } from '../src/index.js'

const cases: [filter: string, topic: string, expected: boolean][] = [
  ['sport/#', 'sport', true],
  ['sport/#', 'sport/tennis/player1', true],
  ['sport/+', 'sport/', true],
  ['+/+', '/finance', true],
  ['+', '/finance', false],
  ['#', '$SYS/uptime', false],
  ['+/uptime', '$SYS/uptime', false],
  ['$SYS/#', '$SYS/uptime', true],
  ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
]

describe('TopicTrie', () => {
  it.each(cases)('%s ~ %s is %s, like matches()', (filter, topic, expected) => {
    expect(matches(filter, topic)).toBe(expected)
    const trie = new TopicTrie<string>().add(filter, 'x')
    expect(trie.match(topic)).toEqual(expected ? ['x'] : [])
  })

  it('removes values and prunes', () => {
    const trie = new TopicTrie<number>().add('a/+', 1).add('a/+', 2).add('a/#', 3)
    expect(trie.size).toBe(3)
    expect(trie.remove('a/+', 1)).toBe(true)
    expect(trie.match('a/b').sort()).toEqual([2, 3])
    expect(trie.remove('a/+')).toBe(true)
    expect(trie.remove('a/#', 3)).toBe(true)
    expect(trie.size).toBe(0)
    expect([...trie]).toEqual([])
  })

  it('validates topics and filters', () => {
    expect(() => validateTopic('a/+')).toThrow(/must not contain/)
    expect(() => validateFilter('a/#/b')).toThrow(/last level/)
    expect(() => validateTopic('x'.repeat(70_000))).toThrow(/65535/)
  })
})
