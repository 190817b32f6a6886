// Turns the bench JSON (core.json, topic-trie.json) into inline SVG charts and a three-line summary
// at docs build time. Inline, not <img>: the bars and text take their colours from the theme's CSS
// (`.bench-chart` in .vitepress/theme/style.css), so one chart reads in light and dark mode.
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { resultFolders } from './benchmarks.js'

/** A row of `core.json` (packages/core/bench), as far as the charts read it. */
export interface ClientResult {
  broker: string
  scenario: string
  contender: string
  unit: string
  baseline: boolean
  control: boolean
  /** Median of the per-round ratios to the scenario's baseline (raw MQTT.js). */
  ratio?: number
  /** Over async-mqtt, paired by round (computed by the core bench). */
  rivalRatio?: number
  summary?: { median: number }
}

/** A row of `topic-trie.json` (packages/topic-trie/bench). */
export interface MatcherResult {
  filters: number
  contender: string
  topicsPerSecond: number
  heapBytes: number
}

/** The series a bar belongs to: its colour (a CSS class) and its legend entry. */
export type Series = 'ours' | 'promise' | 'rival' | 'native' | 'other'

/** One bar: a label left of it, its length, the figure written after it. */
export interface Bar {
  label: string
  value: number
  text: string
  series: Series
}

/** Bars under one heading (a scenario, a filter count). */
export interface BarGroup {
  heading: string
  bars: Bar[]
}

/** What {@link barChart} draws. */
export interface BarChart {
  /** Read by screen readers (`<title>`) and used for the element's id. */
  title: string
  id: string
  groups: BarGroup[]
  /** Where a dashed reference line goes (e.g. 1 for "same as the baseline"), and its label. */
  reference?: { value: number; label: string }
  /** Legend entries, in order. */
  legend: Array<{ series: Series; label: string }>
}

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

const round = (value: number) => Math.round(value * 10) / 10

/** A "nice" axis end at or above `max` (1, 2, 2.5, 5 × 10^n). */
export function axisEnd(max: number): number {
  if (!(max > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(max))
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((factor) => factor * power >= max) ?? 10
  return step * power
}

/**
 * Draws horizontal bars grouped under headings, as one SVG element (no script, no library). Sizes
 * are in the viewBox; the chart scales to the column's width.
 * @example barChart({ title: 'Publish rate', id: 'publish', groups, legend: [] })
 */
export function barChart(chart: BarChart): string {
  const width = 760
  const labelWidth = 250
  const valueWidth = 64
  const left = labelWidth + 8
  const right = width - valueWidth
  const barHeight = 14
  const rowHeight = 19
  const headingHeight = 24
  const legendHeight = 28
  const max = axisEnd(
    Math.max(
      chart.reference?.value ?? 0,
      ...chart.groups.flatMap((group) => group.bars.map((bar) => bar.value)),
    ),
  )
  const x = (value: number) => left + (Math.max(0, value) / max) * (right - left)
  const parts: string[] = []
  let y = legendHeight
  for (const group of chart.groups) {
    y += headingHeight
    parts.push(`<text class="heading" x="0" y="${y - 7}">${escapeXml(group.heading)}</text>`)
    for (const bar of group.bars) {
      const top = y + (rowHeight - barHeight) / 2
      const end = x(bar.value)
      parts.push(
        `<text class="label" x="${labelWidth}" y="${top + barHeight - 3}" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect class="bar ${bar.series}" x="${left}" y="${round(top)}" width="${round(Math.max(1, end - left))}" height="${barHeight}" rx="2"><title>${escapeXml(`${bar.label}: ${bar.text}`)}</title></rect>`,
        `<text class="value" x="${round(end + 4)}" y="${top + barHeight - 3}">${escapeXml(bar.text)}</text>`,
      )
      y += rowHeight
    }
  }
  const bottom = y + 6
  const axis: string[] = []
  for (const tick of [0, 0.25, 0.5, 0.75, 1].map((share) => share * max)) {
    const tx = round(x(tick))
    axis.push(
      `<line class="grid" x1="${tx}" y1="${legendHeight + 6}" x2="${tx}" y2="${bottom}"/>`,
      `<text class="tick" x="${tx}" y="${bottom + 14}" text-anchor="middle">${escapeXml(formatTick(tick))}</text>`,
    )
  }
  if (chart.reference !== undefined) {
    const rx = round(x(chart.reference.value))
    axis.push(
      `<line class="reference" x1="${rx}" y1="${legendHeight + 6}" x2="${rx}" y2="${bottom}"/>`,
      `<text class="tick reference-label" x="${rx}" y="${bottom + 28}" text-anchor="middle">${escapeXml(chart.reference.label)}</text>`,
    )
  }
  const legend: string[] = []
  let lx = 0
  for (const entry of chart.legend) {
    legend.push(
      `<rect class="bar ${entry.series}" x="${lx}" y="6" width="12" height="12" rx="2"/>`,
      `<text class="label" x="${lx + 17}" y="16">${escapeXml(entry.label)}</text>`,
    )
    lx += 26 + entry.label.length * 6.6
  }
  const height = bottom + (chart.reference === undefined ? 22 : 36)
  // One line per element and no blank line: Markdown keeps the block as HTML.
  return [
    `<svg class="bench-chart" id="${escapeXml(chart.id)}" role="img" aria-labelledby="${escapeXml(chart.id)}-title" viewBox="0 0 ${width} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${escapeXml(chart.id)}-title">${escapeXml(chart.title)}</title>`,
    ...legend,
    ...axis,
    ...parts,
    '</svg>',
  ].join('\n')
}

function formatTick(value: number): string {
  if (value >= 1_000_000) return `${round(value / 1_000_000)}M`
  if (value >= 1000) return `${round(value / 1000)}k`
  return `${Math.round(value * 100) / 100}`
}

/** The contender of a scenario that stands for each series, found by name. */
const clientSeries: Array<{ series: Series; label: string; test: (name: string) => boolean }> = [
  {
    series: 'ours',
    label: 'await-mqtt',
    test: (name) => name === 'await-mqtt publish' || name === 'await-mqtt messages() iterator',
  },
  { series: 'promise', label: 'MQTT.js publishAsync', test: (name) => name === 'MQTT.js publishAsync' },
  { series: 'rival', label: 'async-mqtt', test: (name) => name.startsWith('async-mqtt ') },
  {
    series: 'native',
    label: 'mosquitto_pub/sub (C)',
    test: (name) => /^mosquitto_(pub|sub) \(C\)$/.test(name),
  },
]

const times = (ratio: number) => `${ratio.toFixed(2)}×`

/**
 * The client chart of one broker: per throughput scenario, each contender's rate as a multiple of
 * raw MQTT.js (callbacks / `message` event) in the same rounds; 1× is the dashed line.
 */
export function clientChart(results: readonly ClientResult[], broker: string): string {
  const rows = results.filter((row) => row.broker === broker && row.unit === 'msg/s' && !row.control)
  const scenarios = [...new Set(rows.map((row) => row.scenario))].filter((scenario) =>
    rows.some((row) => row.scenario === scenario && row.contender.startsWith('async-mqtt')),
  )
  const groups = scenarios.map((scenario): BarGroup => {
    const ofScenario = rows.filter((row) => row.scenario === scenario)
    const bars: Bar[] = []
    for (const entry of clientSeries) {
      const row = ofScenario.find((candidate) => entry.test(candidate.contender))
      if (row?.ratio === undefined) continue
      bars.push({ label: row.contender, value: row.ratio, text: times(row.ratio), series: entry.series })
    }
    return { heading: scenario, bars }
  })
  return barChart({
    title: `Message rate next to raw MQTT.js on ${broker}, per scenario (higher is better)`,
    id: `client-${broker}`,
    groups,
    reference: { value: 1, label: 'raw MQTT.js = 1×' },
    legend: clientSeries.map(({ series, label }) => ({ series, label })),
  })
}

const matcherSeries = (contender: string): Series =>
  contender.startsWith('TopicTrie') ? 'ours' : contender.startsWith('mqtt-match') ? 'other' : 'rival'

/** The matcher charts: topics per second and heap after loading, at each filter count, against qlobber. */
export function matcherCharts(results: readonly MatcherResult[]): { throughput: string; heap: string } {
  const compared = results.filter((row) => !row.contender.startsWith('mqtt-match'))
  const counts = [...new Set(compared.map((row) => row.filters))].sort((a, b) => a - b)
  const legend = [
    { series: 'ours' as const, label: 'TopicTrie (@await-mqtt/topic-trie)' },
    { series: 'rival' as const, label: 'qlobber (aedes’s matcher)' },
  ]
  const groupsOf = (bar: (row: MatcherResult) => Bar) =>
    counts.map((count) => ({
      heading: `${count.toLocaleString('en-US')} filters`,
      bars: compared.filter((row) => row.filters === count).map(bar),
    }))
  return {
    throughput: barChart({
      title: 'Topics matched per second against 10,000 and 100,000 filters (higher is better)',
      id: 'matcher-throughput',
      groups: groupsOf((row) => ({
        label: row.contender,
        value: row.topicsPerSecond,
        text: `${Math.round(row.topicsPerSecond / 1000).toLocaleString('en-US')}k/s`,
        series: matcherSeries(row.contender),
      })),
      legend,
    }),
    heap: barChart({
      title: 'Heap after loading the filters, in MB (lower is better)',
      id: 'matcher-heap',
      groups: groupsOf((row) => ({
        label: row.contender,
        value: row.heapBytes / 1e6,
        text: `${(row.heapBytes / 1e6).toFixed(1)} MB`,
        series: matcherSeries(row.contender),
      })),
      legend,
    }),
  }
}

const find = (results: readonly ClientResult[], broker: string, scenario: string, contender: string) =>
  results.find((row) => row.broker === broker && row.scenario === scenario && row.contender === contender)

const ratioOf = (results: readonly ClientResult[], broker: string, scenario: string, contender: string) =>
  find(results, broker, scenario, contender)?.ratio

/** The three lines the benchmarks page opens with, computed from the results (none when a file is missing). */
export function summaryLines(client: readonly ClientResult[], matcher: readonly MatcherResult[]): string[] {
  const lines: string[] = []
  const broker = 'mosquitto'
  const publish = ratioOf(client, broker, 'publish QoS 0, 64 B', 'await-mqtt publish')
  const rival = find(client, broker, 'publish QoS 0, 64 B', 'await-mqtt publish')?.rivalRatio
  if (publish !== undefined && rival !== undefined) {
    lines.push(
      `**Publishing** (QoS 0, 64 B, mosquitto): await-mqtt sends ${times(publish)} the rate of raw MQTT.js callbacks and ${times(rival)} async-mqtt's.`,
    )
  }
  const receive = ratioOf(client, broker, 'receive QoS 0, 64 B', 'await-mqtt messages() iterator')
  const confirmed = [
    'QoS 1, one at a time',
    'QoS 2, one at a time',
    'QoS 1, 20 in flight',
    'QoS 2, 20 in flight',
  ]
    .map((scenario) => ratioOf(client, broker, scenario, 'await-mqtt publish'))
    .filter((ratio): ratio is number => ratio !== undefined)
  if (receive !== undefined && confirmed.length > 0) {
    lines.push(
      `**Receiving** through \`for await\`: ${times(receive)} MQTT.js's \`message\` event; QoS 1/2 publishes run at ${times(Math.min(...confirmed))}–${times(Math.max(...confirmed))} raw MQTT.js (the broker sets the pace).`,
    )
  }
  const trie = (count: number, name: string) =>
    matcher.find((row) => row.filters === count && row.contender === name)
  const speedups: number[] = []
  const heaps: number[] = []
  for (const count of [...new Set(matcher.map((row) => row.filters))]) {
    const ourRow = trie(count, 'TopicTrie match')
    const theirRow = trie(count, 'qlobber match')
    if (ourRow === undefined || theirRow === undefined) continue
    speedups.push(ourRow.topicsPerSecond / theirRow.topicsPerSecond)
    heaps.push(ourRow.heapBytes / theirRow.heapBytes)
  }
  if (speedups.length > 0) {
    lines.push(
      `**Matching**: TopicTrie routes ${times(Math.min(...speedups))}–${times(Math.max(...speedups))} as many topics per second as qlobber at 10k–100k filters, in ${Math.round(Math.min(...heaps) * 100)}–${Math.round(Math.max(...heaps) * 100)}% of its heap.`,
    )
  }
  return lines
}

/** The first `name` found in the result folders, else in `<docs>/measured/` (as the tables do). */
async function findResult(root: string, docsRoot: string, name: string) {
  for (const folder of [...(await resultFolders(root)), join(docsRoot, 'measured')]) {
    const file = join(folder, name)
    if (existsSync(file)) {
      return {
        path: relative(root, file),
        data: JSON.parse(await readFile(file, 'utf8')) as { results?: unknown[] },
      }
    }
  }
  return undefined
}

/**
 * Writes `generated/bench-charts.md` (summary lines and charts, included at the top of
 * benchmarks.md) from the same result files the tables use. Returns the files read.
 * @example await generateCharts('/work/main', '/work/main/apps/docs')
 */
export async function generateCharts(root: string, docsRoot: string): Promise<string[]> {
  const core = await findResult(root, docsRoot, 'core.json')
  const trie = await findResult(root, docsRoot, 'topic-trie.json')
  const client = (core?.data.results ?? []) as ClientResult[]
  const matcher = (trie?.data.results ?? []) as MatcherResult[]
  const sections: string[] = []
  const lines = summaryLines(client, matcher)
  if (lines.length > 0) sections.push(lines.map((line) => `- ${line}`).join('\n'))
  const brokers = [...new Set(client.map((row) => row.broker))]
  if (brokers.length > 0) {
    sections.push('## Next to MQTT.js, async-mqtt and the C clients')
    sections.push(
      'Each bar is a contender’s message rate divided by raw MQTT.js’s in the same round (the median over the rounds); right of the dashed line is faster.',
    )
    for (const broker of brokers) sections.push(`### On ${broker}`, clientChart(client, broker))
  }
  if (matcher.length > 0) {
    const { throughput, heap } = matcherCharts(matcher)
    sections.push('## The topic matcher next to qlobber')
    sections.push(
      '`match` returns the subscriptions a topic reaches; `test` only whether there is one (`QlobberTrue`).',
    )
    sections.push('### Topics per second', throughput, '### Heap after loading the filters', heap)
  }
  const sources = [core?.path, trie?.path].filter((path): path is string => path !== undefined)
  if (sources.length > 0)
    sections.push(
      `<small>Drawn from ${sources.map((path) => `\`${path}\``).join(' and ')} when this site was built.</small>`,
    )
  await mkdir(join(docsRoot, 'generated'), { recursive: true })
  await writeFile(join(docsRoot, 'generated', 'bench-charts.md'), `${sections.join('\n\n')}\n`)
  return sources
}
