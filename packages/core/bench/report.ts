import type { Row } from './measure.js'
import { manyTarget } from './scenario-many.js'
import { bytes, compact, pairedMean, pairedRatio, summarize } from './stats.js'

/** One of the issue's targets, checked on this run's figures. */
export interface TargetCheck {
  target: string
  broker: string
  measured: string
  met: boolean
}

const find = (rows: readonly Row[], broker: string, scenario: string, contender: string) =>
  rows.find((row) => row.broker === broker && row.scenario === scenario && row.contender === contender)

function value(row: Row, median = row.summary?.median): string {
  if (median === undefined) return '–'
  if (row.unit === 'ms') return milliseconds(median)
  return row.unit === 'bytes' ? bytes(median) : `${compact(median)} msg/s`
}

function spread(row: Row): string {
  const summary = row.summary
  if (!summary) return '–'
  if (row.unit === 'bytes') return `${bytes(summary.min)} – ${bytes(summary.max)}`
  if (row.unit === 'ms') return `${milliseconds(summary.min)} – ${milliseconds(summary.max)}`
  const percent = (edge: number) =>
    `${edge >= summary.median ? '+' : '−'}${Math.abs((edge / summary.median - 1) * 100).toFixed(0)}%`
  return `${compact(summary.min)}–${compact(summary.max)} (${percent(summary.min)}/${percent(summary.max)})`
}

function ratio(row: Row): string {
  if (row.baseline) return row.summary ? '1.00 (base)' : '–'
  return row.ratio === undefined ? '–' : `${row.ratio.toFixed(2)}×`
}

/** A duration: ms below 10 s, else seconds. */
function milliseconds(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`
}

const escapePipes = (text: string) => text.replaceAll('|', '\\|')

/** Memory rows: the resident set's growth beside the heap (the whole process, so noisier). */
function rssNote(row: Row): string[] {
  const perSubscriptions = row.extra.rssBytes
  const peak = row.extra.rssPeakGrowth
  if (perSubscriptions && perSubscriptions.length > 0)
    return [`RSS ${bytes(summarize(perSubscriptions).median)}`]
  if (peak && peak.length > 0) return [`RSS peak growth ${bytes(summarize(peak).median)}`]
  return []
}

/** The results as one Markdown table (columns padded, so it also reads well in a terminal). */
export function markdownTable(rows: readonly Row[]): string {
  const header = [
    'Broker',
    'Scenario',
    'Contender',
    'Median',
    'Spread (min–max)',
    'vs base',
    'CPU µs/msg',
    'Notes',
  ]
  const lines = rows.map((row) => [
    row.broker,
    row.scenario,
    row.contender,
    value(row),
    spread(row),
    ratio(row),
    row.cpuMicrosPerMessage === undefined ? '–' : row.cpuMicrosPerMessage.toFixed(2),
    escapePipes([...rssNote(row), ...row.notes, ...(row.error ? [`failed: ${row.error}`] : [])].join('; ')),
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  )
  const right = new Set([3, 5, 6])
  const format = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (right.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join(' | ')} |`
  const rule = `| ${widths.map((width, column) => (right.has(column) ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`
  return [format(header), rule, ...lines.map(format)].join('\n')
}

/**
 * Checks the issue's targets: publish and receive >= 0.95x raw MQTT.js and ahead of async-mqtt;
 * fan-out within 2x. Where raw MQTT.js ran twice per round (the noise control), "raw MQTT.js" is
 * the geometric mean of its two runs in each round.
 */
export function checkTargets(rows: readonly Row[]): TargetCheck[] {
  const checks: TargetCheck[] = []
  const brokers = [...new Set(rows.map((row) => row.broker))]
  for (const broker of brokers) {
    const pairs: [string, string][] = []
    for (const row of rows) {
      if (row.broker !== broker) continue
      if (row.scenario.startsWith('publish') && row.contender === 'await-mqtt publish') {
        pairs.push([row.scenario, 'await-mqtt publish'])
      }
      if (row.scenario.startsWith('receive') && row.contender === 'await-mqtt messages() iterator') {
        pairs.push([row.scenario, 'await-mqtt messages() iterator'])
      }
    }
    for (const [scenario, ours] of pairs) {
      const row = find(rows, broker, scenario, ours)
      const base = rows.find(
        (candidate) => candidate.broker === broker && candidate.scenario === scenario && candidate.baseline,
      )
      const control = rows.find(
        (candidate) => candidate.broker === broker && candidate.scenario === scenario && candidate.control,
      )
      const cpu =
        row?.cpuMicrosPerMessage && base?.cpuMicrosPerMessage
          ? `; CPU per message ${(row.cpuMicrosPerMessage / base.cpuMicrosPerMessage).toFixed(2)}x raw MQTT.js's`
          : ''
      const noise = control?.ratio === undefined ? '' : `; raw MQTT.js vs itself ${control.ratio.toFixed(2)}x`
      // With a noise control, raw MQTT.js was measured twice per round: the target compares with both.
      const versusRaw =
        row && base && control
          ? pairedRatio(row.perRound, pairedMean(base.perRound, control.perRound))
          : row?.ratio
      if (versusRaw !== undefined) {
        checks.push({
          target: `${scenario}: ${ours} >= 0.95x raw MQTT.js${control ? ' (both of its runs)' : ''}`,
          broker,
          measured: `${versusRaw.toFixed(2)}x${cpu}${noise}`,
          met: versusRaw >= 0.95,
        })
      }
      const versus = row?.rivalRatio
      if (versus !== undefined) {
        checks.push({
          target: `${scenario}: ${ours} ahead of async-mqtt`,
          broker,
          measured: `${versus.toFixed(2)}x async-mqtt`,
          met: versus > 1,
        })
      }
    }
    const fanout = rows.filter(
      (row) => row.broker === broker && row.scenario.startsWith('fan-out') && !row.baseline,
    )
    const one = fanout[0]
    const most = fanout[fanout.length - 1]
    if (one?.summary && most?.summary && one !== most) {
      const wall = one.summary.median / most.summary.median
      const cpu =
        one.cpuMicrosPerMessage && most.cpuMicrosPerMessage
          ? most.cpuMicrosPerMessage / one.cpuMicrosPerMessage
          : undefined
      const worst = Math.max(wall, cpu ?? 0)
      checks.push({
        target: `fan-out: cost per message, ${most.contender.replace('await-mqtt ', '')} vs ${one.contender.replace('await-mqtt ', '')} <= 2x`,
        broker,
        measured: `${wall.toFixed(2)}x wall time${cpu === undefined ? '' : `, ${cpu.toFixed(2)}x client CPU`}`,
        met: worst <= 2,
      })
    }
  }
  checks.push(...manyClientChecks(rows))
  return checks
}

/** Many clients (issue 25): heap and RSS per client and connect time within a multiple of raw MQTT.js. */
function manyClientChecks(rows: readonly Row[]): TargetCheck[] {
  const checks: TargetCheck[] = []
  for (const row of rows) {
    const target = manyTarget(row)
    if (target === undefined || row.baseline || row.ratio === undefined) continue
    const over = row.ratio - target.limit
    checks.push({
      target: `${row.scenario}: ${row.contender} <= ${target.limit.toFixed(2)}x raw MQTT.js`,
      broker: row.broker,
      measured: `${row.ratio.toFixed(2)}x${over > 0 ? ` (missed by ${over.toFixed(2)}x)` : ''}`,
      met: over <= 0,
    })
  }
  return checks
}

export function targetLines(checks: readonly TargetCheck[]): string[] {
  return checks.map(
    (check) => `- ${check.met ? 'met' : 'MISSED'}: ${check.broker} · ${check.target} — ${check.measured}`,
  )
}
