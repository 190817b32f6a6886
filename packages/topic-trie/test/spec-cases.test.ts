import { describe, expect, it } from 'vitest'
import { matches, TopicTrie } from '../src/index.js'
import { referenceMatches } from './reference.js'
import { specCases } from './spec-cases.js'

const all = Object.values(specCases).flat()

describe('the spec case table', () => {
  it('holds at least 60 cases', () => {
    expect(all.length).toBeGreaterThanOrEqual(60)
  })
})

for (const [section, cases] of Object.entries(specCases)) {
  describe(`MQTT ${section}`, () => {
    const named = cases.map((entry) => ({
      ...entry,
      name: `${entry.filter.slice(0, 40)} ${entry.matches ? '~' : '!~'} ${entry.topic.slice(0, 40)}${entry.protocolVersion ? ` (v${entry.protocolVersion})` : ''}`,
    }))
    it.each(named)('$name', ({ filter, topic, matches: expected, protocolVersion }) => {
      expect(referenceMatches(filter, topic, protocolVersion)).toBe(expected)
      expect(matches(filter, topic, { protocolVersion })).toBe(expected)
      const trie = new TopicTrie<string>({ protocolVersion })
        .add(filter, 'value')
        .add('unrelated/filter', 'other')
      expect(trie.match(topic)).toEqual(expected ? ['value'] : [])
      expect(trie.test(topic)).toBe(expected)
    })
  })
}
