import { TopicTrie, TopicValidationError } from '@await-mqtt/topic-trie'
import { describe, expect, it } from 'vitest'
import { CachingTrie } from '../../src/incoming/caching-trie.js'

describe('CachingTrie', () => {
  it('answers a repeated topic from the last walk', () => {
    const trie = new CachingTrie<string>()
    trie.add('a/+', 'plus')
    const first = trie.match('a/b')
    expect(first).toEqual(['plus'])
    expect(trie.match('a/b')).toBe(first)
    expect(trie.match('a/c')).toEqual(['plus'])
    expect(trie.match('x')).toEqual([])
  })

  it('forgets the last matches on every change', () => {
    const trie = new CachingTrie<string>()
    expect(trie.match('a/b')).toEqual([])
    trie.add('a/#', 'rest')
    expect(trie.match('a/b')).toEqual(['rest'])
    trie.add('a/b', 'exact')
    expect([...trie.match('a/b')].sort()).toEqual(['exact', 'rest'])
    trie.remove('a/#', 'rest')
    expect(trie.match('a/b')).toEqual(['exact'])
    trie.clear()
    expect(trie.match('a/b')).toEqual([])
    expect(trie.size).toBe(0)
  })

  it('answers "no match" with one shared, frozen array', () => {
    const trie = new CachingTrie<string>()
    const empty = trie.match('nothing/here')
    expect(empty).toEqual([])
    expect(Object.isFrozen(empty)).toBe(true)
    trie.add('a', 'a')
    expect(trie.match('b')).toBe(empty)
  })

  it('matches the same whether it holds a few filters (a list) or many (a trie)', () => {
    const filters = ['#', 'a/#', 'a/+', '+/b', 'a/b', '$SYS/#', '+/+/c', 'a/b/c', 'x', '$share/g/a/b', '/+']
    const topics = ['a', 'a/b', 'a/b/c', '$SYS/up', 'x', '/y', 'q/b', '']
    const trie = new CachingTrie<string>()
    const expected = (held: readonly string[], topic: string) => {
      const reference = new TopicTrie<string>()
      for (const filter of held) reference.add(filter, filter)
      return reference.match(topic).sort()
    }
    const held: string[] = []
    for (const filter of filters) {
      trie.add(filter, filter)
      held.push(filter)
      for (const topic of topics) expect([...trie.match(topic)].sort()).toEqual(expected(held, topic))
      expect(trie.size).toBe(held.length)
      expect([...trie.values()].sort()).toEqual([...held].sort())
    }
    for (const filter of [...filters].reverse()) {
      trie.remove(filter, filter)
      held.splice(held.indexOf(filter), 1)
      for (const topic of topics) expect([...trie.match(topic)].sort()).toEqual(expected(held, topic))
    }
    expect(trie.size).toBe(0)
  })

  it('refuses an invalid filter while it holds a list, as the trie does', () => {
    expect(() => new CachingTrie<string>().add('a/#/b', 'bad')).toThrow(TopicValidationError)
  })
})
