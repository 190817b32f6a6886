import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, onTestFinished } from 'vitest'

const run = promisify(execFile)
const packageRoot = resolve(import.meta.dirname, '../..')

interface BenchJson {
  title: string
  environment: string
  table: string
  results: {
    scenario: string
    contender: string
    summary?: { median: number }
    notes: string[]
    error?: string
  }[]
}

// Runs the benchmark runner end to end with tiny sizes: it must start its brokers, measure every
// scenario and write its table and JSON. Speed is never asserted (see bench/ for the real runs).
describe('the client benchmark runner (bench/run.ts --quick)', () => {
  it('prints one table and writes JSON with a row per contender of every scenario', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'await-mqtt-bench-smoke-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const out = join(dir, 'core.json')
    const args = ['--conditions=@await-mqtt/source', '--import', 'tsx', 'bench/run.ts', '--quick']
    args.push('--messages', '200', '--rounds', '1', '--brokers', 'aedes', '--streams', '1,10', '--out', out)
    const { stdout } = await run(process.execPath, args, { cwd: packageRoot, timeout: 170_000 })

    expect(stdout).toContain('| Broker ')
    expect(stdout).toContain('Targets:')
    const json = JSON.parse(await readFile(out, 'utf8')) as BenchJson
    expect(json.table).toContain('| Contender ')
    expect(json.environment).toContain('Node')
    const scenarios = new Set(json.results.map((row) => row.scenario))
    for (const scenario of ['publish QoS 0, 64 B', 'receive QoS 0, 64 B', 'QoS 1, one at a time']) {
      expect(scenarios).toContain(scenario)
    }
    expect([...scenarios].some((name) => name.startsWith('fan-out'))).toBe(true)
    expect([...scenarios].some((name) => name.startsWith('memory'))).toBe(true)
    for (const row of json.results) {
      // Every contender produced figures, or says why not (skipped: a tool is not installed).
      const explained = row.summary !== undefined || row.notes.some((note) => note.startsWith('skipped'))
      expect(explained, `${row.scenario} / ${row.contender}: ${row.error ?? 'no figures'}`).toBe(true)
    }
    const ours = json.results.find((row) => row.contender === 'await-mqtt publish')
    expect(ours?.summary?.median).toBeGreaterThan(0)
  }, 180_000)
})
