import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { type ResultFile, summarize, writeBenchSummary } from '../scripts/bench-summary.js'
import { generateBenchmarks } from '../scripts/benchmarks.js'

const clientRow = (contender: string, perRound: number[], extra: Record<string, unknown> = {}) => ({
  broker: 'mosquitto',
  scenario: 'publish QoS 0, 64 B',
  contender,
  unit: 'msg/s',
  baseline: false,
  control: false,
  summary: { median: perRound[0] },
  perRound,
  ...extra,
})

/** The shape bench/run.ts of packages/core writes: a baseline, a noise control, async-mqtt, ours and the C client. */
const core: ResultFile = {
  path: 'bench-results/core.json',
  environment: 'Node v20.20.2, linux/x64, 2 CPUs. sizes: 100,000 QoS 0 publishes',
  results: [
    clientRow('MQTT.js publish(cb)', [100, 100], { baseline: true }),
    clientRow('await-mqtt publish', [120, 130], { ratio: 1.25, rivalRatio: 1.25 }),
    clientRow('async-mqtt publish', [100, 100], { ratio: 1 }),
    clientRow('MQTT.js publish(cb) again (noise control)', [102, 104], { control: true, ratio: 1.03 }),
    clientRow('mosquitto_pub (C)', [200, 200], { ratio: 2 }),
  ] as ResultFile['results'],
  targets: [
    {
      target: 'publish QoS 0, 64 B: await-mqtt publish >= 0.95x raw MQTT.js',
      broker: 'mosquitto',
      measured: '1.25x; CPU per message 0.9x',
      met: true,
    },
    {
      target: 'publish QoS 0, 64 B: await-mqtt publish ahead of async-mqtt',
      broker: 'mosquitto',
      measured: '0.99x async-mqtt',
      met: false,
    },
  ],
}

/** The shape bench/run.ts of packages/topic-trie writes. */
const trie: ResultFile = {
  path: 'packages/topic-trie/bench-results/topic-trie.json',
  results: [
    { filters: 10_000, contender: 'qlobber match', topicsPerSecond: 500_000, ratio: 1 },
    { filters: 10_000, contender: 'TopicTrie match', topicsPerSecond: 1_100_000, ratio: 2.2 },
  ],
}

describe('the benchmark summary', () => {
  it('puts each of ours beside its baseline, the noise control, async-mqtt and the targets', () => {
    const summary = summarize([core])
    const ours = summary.rows.find((row) => row.Contender === 'await-mqtt publish')
    expect(ours).toMatchObject({
      Package: 'core',
      Broker: 'mosquitto',
      Median: '120 msg/s',
      'vs baseline': '1.25× MQTT.js publish(cb) (noise 1.03×)',
      'vs async-mqtt': '1.25×',
      Target: 'met: 1.25x; MISSED: 0.99x async-mqtt',
    })
    expect(summary.rows.map((row) => row.Contender)).toEqual(['await-mqtt publish', 'mosquitto_pub (C)'])
    expect(summary).toMatchObject({ met: 1, missed: 1, sources: ['bench-results/core.json'] })
  })

  it('shows the matcher against qlobber, and says which files had no rows to summarise', () => {
    const summary = summarize([trie, { path: 'bench-results/old.json' }])
    expect(summary.rows).toEqual([
      expect.objectContaining({
        Package: 'topic-trie',
        Scenario: 'match, 10,000 filters',
        Median: '1,100,000 topics/s',
        'vs baseline': '2.20× qlobber match',
      }),
    ])
    expect(summary.skipped).toEqual(['bench-results/old.json: no results rows'])
  })

  it('writes one table over every result file of the repository, and the page shows it first', async () => {
    const root = await mkdtemp(join(tmpdir(), 'await-mqtt-bench-summary-'))
    onTestFinished(() => rm(root, { recursive: true, force: true }))
    await mkdir(join(root, 'bench-results'))
    await mkdir(join(root, 'packages', 'topic-trie', 'bench-results'), { recursive: true })
    await writeFile(join(root, 'bench-results', 'core.json'), JSON.stringify(core))
    await writeFile(join(root, trie.path), JSON.stringify(trie))

    const summary = await writeBenchSummary(root)
    expect(summary.sources).toEqual(['bench-results/core.json', trie.path])
    const written = JSON.parse(await readFile(join(root, 'bench-results', 'summary.json'), 'utf8'))
    expect(written.table).toContain('| Package | Broker | Scenario |')
    expect(written.table).toContain('Targets: 1 met, 1 missed.')
    expect(written.environment).toBe('Node v20.20.2, linux/x64, 2 CPUs')
    expect((await writeBenchSummary(root)).sources).toHaveLength(2) // an earlier summary is not an input

    const docs = join(root, 'docs')
    expect((await generateBenchmarks(root, docs))[0]).toBe('bench-results/summary.json')
  })
})
