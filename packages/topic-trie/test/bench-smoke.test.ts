import { describe, expect, it } from 'vitest'
import { runSuite } from '../bench/suite.js'
import { workload } from '../bench/workload.js'

// Keeps the benchmark code from rotting: it runs here at a tiny size and with no timing assertion.
describe('the benchmark (smoke run)', () => {
  it('generates the documented workload', () => {
    const { filters, topics } = workload({ filters: 500, topics: 100 })
    expect(new Set(filters).size).toBe(500)
    expect(topics).toHaveLength(100)
    for (const filter of filters) {
      const levels = filter.split('/')
      expect(levels.length).toBeGreaterThanOrEqual(4)
      expect(levels.length).toBeLessThanOrEqual(7)
    }
  })

  it('runs every contender, checks they agree and renders the table', () => {
    const { rows, table } = runSuite({ sizes: [300], topics: 50, milliseconds: 2, rounds: 1 })
    expect(rows.map((row) => row.contender)).toEqual([
      'qlobber match',
      'TopicTrie match',
      'QlobberTrue test',
      'TopicTrie test',
      'mqtt-match linear scan (first 200 topics)',
    ])
    for (const row of rows) expect(row.topicsPerSecond).toBeGreaterThan(0)
    expect(rows[0]?.matched).toBeGreaterThan(0)
    expect(table).toContain('| 300 | TopicTrie match |')
  })
})
