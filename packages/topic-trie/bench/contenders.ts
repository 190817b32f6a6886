import { TopicTrie } from '@await-mqtt/topic-trie'
import mqttMatch from 'mqtt-match'
import { Qlobber, QlobberTrue } from 'qlobber'

/** A matcher under test: `load` builds it, `run` matches one topic and returns a number to keep. */
export interface Contender {
  name: string
  /** What this contender is compared with in the "vs" column. */
  baseline?: string
  /** Slow contenders are timed on the first `sample` topics only. */
  sample?: number
  load(filters: readonly string[]): unknown
  run(matcher: unknown, topic: string): number
}

const qlobberOptions = { separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true }

export const contenders: Contender[] = [
  {
    name: 'qlobber match',
    load(filters) {
      const matcher = new Qlobber<number>(qlobberOptions)
      for (const [index, filter] of filters.entries()) matcher.add(filter, index)
      return matcher
    },
    run: (matcher, topic) => (matcher as Qlobber<number>).match(topic).length,
  },
  {
    name: 'TopicTrie match',
    baseline: 'qlobber match',
    load(filters) {
      const trie = new TopicTrie<number>()
      for (const [index, filter] of filters.entries()) trie.add(filter, index)
      return trie
    },
    run: (matcher, topic) => (matcher as TopicTrie<number>).match(topic).length,
  },
  {
    name: 'QlobberTrue test',
    load(filters) {
      const matcher = new QlobberTrue(qlobberOptions)
      for (const filter of filters) matcher.add(filter)
      return matcher
    },
    run: (matcher, topic) => ((matcher as QlobberTrue).test(topic) ? 1 : 0),
  },
  {
    name: 'TopicTrie test',
    baseline: 'QlobberTrue test',
    load(filters) {
      const trie = new TopicTrie<number>()
      for (const [index, filter] of filters.entries()) trie.add(filter, index)
      return trie
    },
    run: (matcher, topic) => ((matcher as TopicTrie<number>).test(topic) ? 1 : 0),
  },
  {
    name: 'mqtt-match linear scan',
    baseline: 'qlobber match',
    sample: 200,
    load: (filters) => [...filters],
    run(matcher, topic) {
      let count = 0
      for (const filter of matcher as string[]) if (mqttMatch(filter, topic)) count++
      return count
    },
  },
]
