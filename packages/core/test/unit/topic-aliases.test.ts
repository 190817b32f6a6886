import { MqttValidationError } from '@await-mqtt/core'
import { describe, expect, it } from 'vitest'
import { aliasedTopic, OutgoingTopicAliases } from '../../src/outgoing/topic-aliases.js'

const qos0 = { qos: 0, retain: false } as const
const withAlias = (topicAlias: number) => ({ ...qos0, properties: { topicAlias } })

describe('OutgoingTopicAliases', () => {
  it('sends the topic with a new alias, then the alias alone', () => {
    const aliases = new OutgoingTopicAliases(5)
    expect(aliases.apply('a/b', withAlias(1))[0]).toBe('a/b')
    expect(aliases.topicOf(1)).toBe('a/b')
    expect(aliases.apply('a/b', withAlias(1))[0]).toBe('')
  })

  it('sends the topic again when an alias is given to another topic', () => {
    const aliases = new OutgoingTopicAliases(5)
    aliases.apply('a', withAlias(1))
    expect(aliases.apply('b', withAlias(1))[0]).toBe('b')
    expect(aliases.topicOf(1)).toBe('b')
    expect(aliases.apply('a', withAlias(1))[0]).toBe('a')
  })

  it('leaves publishes without an alias alone in manual mode', () => {
    const aliases = new OutgoingTopicAliases(5)
    const [topic, options] = aliases.apply('a', qos0)
    expect(topic).toBe('a')
    expect(options).toBe(qos0)
  })

  it('auto: gives each topic the lowest free alias, then replaces the least recently used', () => {
    const aliases = new OutgoingTopicAliases(2, 'auto')
    const sent = (topic: string) => {
      const [wire, options] = aliases.apply(topic, qos0)
      return [wire, options.properties?.topicAlias]
    }
    expect(sent('a')).toEqual(['a', 1])
    expect(sent('b')).toEqual(['b', 2])
    expect(sent('a')).toEqual(['', 1])
    expect(sent('c')).toEqual(['c', 2]) // b was used least recently
    expect(sent('a')).toEqual(['', 1])
    expect(sent('b')).toEqual(['b', 2])
  })

  it('auto does nothing when the broker takes no alias', () => {
    const aliases = new OutgoingTopicAliases(0, 'auto')
    expect(aliases.apply('a', qos0)).toEqual(['a', qos0])
    expect(aliases.apply('a', qos0)).toEqual(['a', qos0])
  })
})

describe('aliasedTopic', () => {
  it('resolves an alias set on this connection', () => {
    const aliases = new OutgoingTopicAliases(5)
    aliases.apply('a/b', withAlias(3))
    expect(aliasedTopic(aliases, 3)).toBe('a/b')
  })

  it.each([
    ['no alias', undefined, 'topic'],
    ['an alias never set', 2, 'properties.topicAlias'],
  ] as const)('refuses an empty topic with %s', (_, alias, field) => {
    const aliases = new OutgoingTopicAliases(5)
    aliases.apply('a/b', withAlias(3))
    expect(() => aliasedTopic(aliases, alias)).toThrow(MqttValidationError)
    expect(() => aliasedTopic(aliases, alias)).toThrow(expect.objectContaining({ field }))
  })
})
