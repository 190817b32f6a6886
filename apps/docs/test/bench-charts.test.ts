import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import {
  axisEnd,
  type ClientResult,
  clientChart,
  generateCharts,
  type MatcherResult,
  matcherCharts,
  summaryLines,
} from '../scripts/bench-charts.js'
import { docsRoot } from './support/site-build.js'

const measured = (name: string) =>
  (JSON.parse(readFileSync(join(docsRoot, 'measured', name), 'utf8')) as { results: unknown[] }).results
const client = measured('core.json') as ClientResult[]
const matcher = measured('topic-trie.json') as MatcherResult[]

/** The bars of a chart: their label (from the tooltip) and width. */
function bars(svg: string): Array<{ series: string; label: string; width: number }> {
  return [
    ...svg.matchAll(
      /<rect class="bar (\w+)" x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]*><title>([^<]*)<\/title>/g,
    ),
  ].map(([, series = '', width = '0', label = '']) => ({ series, label, width: Number(width) }))
}

describe('benchmark charts', () => {
  it('draws every contender of the client chart from the results, as long as its ratio', () => {
    const svg = clientChart(client, 'mosquitto')
    const drawn = bars(svg)
    const first = drawn.slice(0, 4)
    expect(first.map((bar) => bar.series)).toEqual(['ours', 'promise', 'rival', 'native'])
    expect(first.map((bar) => bar.label)).toEqual([
      'await-mqtt publish: 1.07×',
      'MQTT.js publishAsync: 1.05×',
      'async-mqtt publish: 0.81×',
      'mosquitto_pub (C): 1.06×',
    ])
    const ratio = (contender: string) =>
      client.find(
        (row) =>
          row.broker === 'mosquitto' && row.scenario === 'publish QoS 0, 64 B' && row.contender === contender,
      )?.ratio ?? Number.NaN
    const [ours, , , native] = first
    expect((ours?.width ?? 0) / (native?.width ?? 1)).toBeCloseTo(
      ratio('await-mqtt publish') / ratio('mosquitto_pub (C)'),
      2,
    )
    // the throughput scenarios async-mqtt ran in, each a heading
    for (const scenario of ['publish QoS 0, 4096 B', 'receive QoS 0, 64 B', 'QoS 2, 20 in flight']) {
      expect(svg).toContain(`>${scenario}</text>`)
    }
    expect(svg).not.toContain('noise control')
  })

  it('draws the matcher against qlobber at each filter count, throughput and heap', () => {
    const { throughput, heap } = matcherCharts(matcher)
    for (const svg of [throughput, heap]) {
      expect(svg).toContain('>10,000 filters</text>')
      expect(svg).toContain('>100,000 filters</text>')
      expect(bars(svg).map((bar) => bar.series)).toEqual([
        'rival',
        'ours',
        'rival',
        'ours',
        'rival',
        'ours',
        'rival',
        'ours',
      ])
      expect(svg).not.toContain('mqtt-match')
    }
    expect(heap).toContain('TopicTrie match: 4.1 MB')
  })

  it('takes its colours from the theme, and keeps to one HTML block in Markdown', () => {
    for (const svg of [clientChart(client, 'aedes'), ...Object.values(matcherCharts(matcher))]) {
      expect(svg).not.toMatch(/fill="#|stroke="#|style=/)
      expect(svg).toMatch(/^<svg class="bench-chart"/)
      expect(svg).not.toMatch(/\n\s*\n/)
      expect(svg).toMatch(/role="img" aria-labelledby="[\w-]+-title"/)
    }
  })

  it('sums the results up in three lines, with the figures of the run', () => {
    const lines = summaryLines(client, matcher)
    expect(lines).toHaveLength(3)
    expect(lines[0]).toContain('1.07× the rate of raw MQTT.js callbacks and 1.36× async-mqtt')
    expect(lines[1]).toContain('1.04× MQTT.js')
    expect(lines[2]).toMatch(/TopicTrie routes 2\.\d\d×–2\.\d\d× as many topics per second as qlobber/)
    expect(summaryLines([], [])).toEqual([])
  })

  it('rounds the axis up to a readable end', () => {
    expect([axisEnd(1.61), axisEnd(2.59), axisEnd(81.2), axisEnd(2_068_869), axisEnd(0)]).toEqual([
      2, 3, 100, 2_500_000, 1,
    ])
  })

  it('prefers results this checkout measured over the committed ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'await-mqtt-docs-charts-'))
    onTestFinished(() => rm(root, { recursive: true, force: true }))
    const docs = join(root, 'apps', 'docs')
    await mkdir(join(docs, 'measured'), { recursive: true })
    await writeFile(join(docs, 'measured', 'topic-trie.json'), JSON.stringify({ results: matcher }))
    await mkdir(join(root, 'bench-results'))
    const faster = client.map((row) =>
      row.contender === 'await-mqtt publish' ? { ...row, ratio: 3.21 } : row,
    )
    await writeFile(join(root, 'bench-results', 'core.json'), JSON.stringify({ results: faster }))
    expect(await generateCharts(root, docs)).toEqual([
      'bench-results/core.json',
      'apps/docs/measured/topic-trie.json',
    ])
    const page = await readFile(join(docs, 'generated', 'bench-charts.md'), 'utf8')
    expect(page).toContain('await-mqtt publish: 3.21×')
    expect(page).toContain('id="matcher-heap"')
  })
})
