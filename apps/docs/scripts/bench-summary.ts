import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { markdownTable, resultFolders, summaryFile } from './benchmarks.js'

/** A row of `bench-results/core.json` (packages/core/bench/measure.ts), as far as the summary reads it. */
interface ClientRow {
  broker: string
  scenario: string
  contender: string
  unit: 'msg/s' | 'bytes'
  baseline: boolean
  control: boolean
  summary?: { median: number }
  ratio?: number
  /** Over async-mqtt, paired by round (computed by the core bench). */
  rivalRatio?: number
}

/** A row of `topic-trie.json` (packages/topic-trie/bench/suite.ts). */
interface MatcherRow {
  filters: number
  contender: string
  topicsPerSecond: number
  ratio: number
}

interface TargetCheck {
  target: string
  broker: string
  measured: string
  met: boolean
}

/** What a result file holds, as far as the summary reads it. */
export interface ResultFile {
  /** Where it was read from, relative to the repository. */
  path: string
  environment?: string
  results?: Array<ClientRow | MatcherRow>
  targets?: TargetCheck[]
}

/** One line of the summary table (a type, not an interface: it is rendered as a plain record). */
export type SummaryRow = {
  Package: string
  Broker: string
  Scenario: string
  Contender: string
  Median: string
  'vs baseline': string
  'vs async-mqtt': string
  Target: string
}

/** The summary: one table over every package's results, and the issue's targets counted. */
export interface BenchSummary {
  rows: SummaryRow[]
  table: string
  met: number
  missed: number
  /** The result files it was made of. */
  sources: string[]
  /** Result files it could not use (no `results`), with why. */
  skipped: string[]
}

const isClientRow = (row: ClientRow | MatcherRow): row is ClientRow => 'broker' in row
const isMatcherRow = (row: ClientRow | MatcherRow): row is MatcherRow => 'filters' in row

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

function rate(value: number, unit: string): string {
  if (unit === 'bytes')
    return value >= 1024 * 1024 ? `${(value / 2 ** 20).toFixed(1)} MiB` : `${(value / 1024).toFixed(1)} KiB`
  return `${count.format(value)} ${unit}`
}

const times = (ratio: number | undefined) =>
  ratio === undefined ? '–' : `${ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2)}×`

function clientRows(file: ResultFile, rows: ClientRow[]): SummaryRow[] {
  const targets = file.targets ?? []
  const summary: SummaryRow[] = []
  const groups = new Map<string, ClientRow[]>()
  for (const row of rows) {
    const key = `${row.broker}\u0000${row.scenario}`
    groups.set(key, [...(groups.get(key) ?? []), row])
  }
  for (const group of groups.values()) {
    const base = group.find((row) => row.baseline)
    const control = group.find((row) => row.control)
    const shown = group.filter(
      (row) => !row.baseline && (row.contender.startsWith('await-mqtt') || row.contender.endsWith('(C)')),
    )
    for (const row of shown) {
      const checks = targets.filter(
        (check) =>
          check.broker === row.broker &&
          (check.target.startsWith(`${row.scenario}: ${row.contender} `) ||
            (row.scenario.startsWith('fan-out') &&
              row === shown.at(-1) &&
              check.target.startsWith('fan-out'))),
      )
      const noise = control?.ratio === undefined ? '' : ` (noise ${times(control.ratio)})`
      summary.push({
        Package: 'core',
        Broker: row.broker,
        Scenario: row.scenario,
        Contender: row.contender,
        Median: row.summary ? rate(row.summary.median, row.unit) : '–',
        'vs baseline': base ? `${times(row.ratio)} ${base.contender}${noise}` : '–',
        'vs async-mqtt':
          row.rivalRatio !== undefined && row.contender.startsWith('await-mqtt') ? times(row.rivalRatio) : '',
        Target: checks
          .map((check) => `${check.met ? 'met' : 'MISSED'}: ${check.measured.split(';')[0]}`)
          .join('; '),
      })
    }
  }
  return summary
}

function matcherRows(rows: MatcherRow[]): SummaryRow[] {
  return rows
    .filter((row) => row.contender.startsWith('TopicTrie'))
    .map((row) => {
      const operation = row.contender.replace('TopicTrie ', '')
      const base = rows.find(
        (other) =>
          other.filters === row.filters && other.ratio === 1 && other.contender.endsWith(` ${operation}`),
      )
      return {
        Package: 'topic-trie',
        Broker: '',
        Scenario: `${operation}, ${count.format(row.filters)} filters`,
        Contender: row.contender,
        Median: rate(row.topicsPerSecond, 'topics/s'),
        'vs baseline': `${times(row.ratio)} ${base?.contender ?? 'baseline'}`,
        'vs async-mqtt': '',
        Target: '',
      }
    })
}

/** One table of the headline figures of every result file: each of ours against its baseline, and the targets. */
export function summarize(files: readonly ResultFile[]): BenchSummary {
  const rows: SummaryRow[] = []
  const sources: string[] = []
  const skipped: string[] = []
  let met = 0
  let missed = 0
  for (const file of files) {
    const results = file.results ?? []
    const client = results.filter(isClientRow)
    const matcher = results.filter(isMatcherRow)
    if (client.length === 0 && matcher.length === 0) {
      skipped.push(`${file.path}: no results rows`)
      continue
    }
    sources.push(file.path)
    rows.push(...matcherRows(matcher), ...clientRows(file, client))
    for (const check of file.targets ?? []) {
      if (check.met) met++
      else missed++
    }
  }
  return { rows, table: markdownTable(rows), met, missed, sources, skipped }
}

/** Reads every `bench-results/*.json` of the repository (except an earlier summary). */
export async function readResultFiles(root: string): Promise<ResultFile[]> {
  const files: ResultFile[] = []
  for (const folder of await resultFolders(root)) {
    for (const name of (await readdir(folder)).sort()) {
      if (!name.endsWith('.json') || name === summaryFile) continue
      const path = join(folder, name)
      const parsed = JSON.parse(await readFile(path, 'utf8')) as Omit<ResultFile, 'path'>
      files.push({ ...parsed, path: relative(root, path) })
    }
  }
  return files
}

/**
 * Prints the summary of every benchmark result of the repository as one table and writes it to
 * `bench-results/summary.json` (`npm run bench` at the root calls it last). Returns it.
 * @example await writeBenchSummary('/work/main')
 */
export async function writeBenchSummary(root: string): Promise<BenchSummary> {
  const files = await readResultFiles(root)
  const summary = summarize(files)
  const environment = [
    ...new Set(files.flatMap((file) => (file.environment ? [file.environment.split('. ')[0]] : []))),
  ]
  const folder = join(root, 'bench-results')
  if (!existsSync(folder)) await mkdir(folder, { recursive: true })
  const title = 'Summary: every benchmark of this run, ours against the baseline'
  const targets = `Targets: ${summary.met} met, ${summary.missed} missed.`
  await writeFile(
    join(folder, summaryFile),
    `${JSON.stringify({ title, environment: environment.join('; '), ...summary, table: `${summary.table}\n\n${targets}` }, null, 2)}\n`,
  )
  return summary
}
