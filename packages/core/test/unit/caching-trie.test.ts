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
})
