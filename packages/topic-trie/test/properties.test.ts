import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { matches, TopicTrie } from '../src/index.js'
import { filter, filterFrom, topic } from './arbitraries.js'
import { referenceMatches } from './reference.js'

const numeric = (a: number, b: number) => a - b

/** Filters drawn at random and derived from the topic, so that both matches and misses are common. */
const scene = topic.chain((name) =>
  fc.record({
    topic: fc.constant(name),
    filters: fc.array(fc.oneof(filter, filterFrom(name)), { maxLength: 24 }),
    protocolVersion: fc.constantFrom(4 as const, 5 as const),
  }),
)

describe('TopicTrie against the reference matcher', () => {
  it('match() returns exactly the values of the filters the reference matches, test() whether any', () => {
    fc.assert(
      fc.property(scene, ({ topic: name, filters, protocolVersion }) => {
        const trie = new TopicTrie<number>({ protocolVersion })
        for (const [index, entry] of filters.entries()) trie.add(entry, index)
        const expected = filters.flatMap((entry, index) =>
          referenceMatches(entry, name, protocolVersion) ? [index] : [],
        )
        expect(trie.match(name).sort(numeric)).toEqual(expected)
        expect(trie.test(name)).toBe(expected.length > 0)
      }),
      { numRuns: 2000 },
    )
  })

  it('matches() agrees with the reference on single pairs', () => {
    fc.assert(
      fc.property(scene, ({ topic: name, filters, protocolVersion }) => {
        for (const entry of filters) {
          expect(matches(entry, name, { protocolVersion })).toBe(
            referenceMatches(entry, name, protocolVersion),
          )
        }
      }),
      { numRuns: 1000 },
    )
  })
})

type Command = { kind: 'add' | 'remove-one' | 'remove-all'; filter: string; value: number }

const command: fc.Arbitrary<Command> = fc.record({
  kind: fc.constantFrom('add', 'add', 'add', 'remove-one', 'remove-all'),
  filter: fc.oneof(
    filter,
    fc.constantFrom('a/b', 'a/b/c', 'a/+', 'a/#', '#', 'a', 'a/b/c/d', '$share/g/a/#'),
  ),
  value: fc.integer({ min: 0, max: 3 }),
})

describe('TopicTrie add/remove sequences', () => {
  it('keep size, has(), match(), test() and iteration consistent with a plain list', () => {
    fc.assert(
      fc.property(
        fc.array(command, { maxLength: 60 }),
        fc.array(topic, { maxLength: 8 }),
        (commands, topics) => {
          const trie = new TopicTrie<number>()
          let model: [string, number][] = []
          for (const { kind, filter: entry, value } of commands) {
            if (kind === 'add') {
              trie.add(entry, value)
              model.push([entry, value])
            } else if (kind === 'remove-one') {
              const index = model.findIndex(([f, v]) => f === entry && v === value)
              expect(trie.remove(entry, value)).toBe(index !== -1)
              if (index !== -1) model.splice(index, 1)
            } else {
              const before = model.length
              model = model.filter(([f]) => f !== entry)
              expect(trie.remove(entry)).toBe(model.length < before)
            }
            expect(trie.size).toBe(model.length)
          }
          for (const [entry, value] of model) expect(trie.has(entry, value)).toBe(true)
          const entries = [...trie].flatMap(([entry, values]) => values.map((value) => `${entry} ${value}`))
          expect(entries.sort()).toEqual(model.map(([entry, value]) => `${entry} ${value}`).sort())
          for (const name of [...topics, 'a/b', 'a', 'a/b/c/d', '$SYS/a']) {
            const expected = model
              .filter(([entry]) => referenceMatches(entry, name))
              .map(([, value]) => value)
            expect(trie.match(name).sort(numeric)).toEqual(expected.sort(numeric))
            expect(trie.test(name)).toBe(expected.length > 0)
          }
          for (const [entry] of model) trie.remove(entry)
          expect(trie.size).toBe(0)
          expect([...trie]).toEqual([])
        },
      ),
      { numRuns: 1000 },
    )
  })
})
