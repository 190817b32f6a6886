import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { generateBenchmarks, markdownTable, renderResult } from '../scripts/benchmarks.js'

async function tempRepo(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'await-mqtt-docs-bench-'))
  onTestFinished(() => rm(root, { recursive: true, force: true }))
  await mkdir(join(root, 'packages', 'topic-trie'), { recursive: true })
  await mkdir(join(root, 'docs'), { recursive: true })
  return root
}

describe('benchmark tables', () => {
  it('renders rows as a Markdown table, numbers right-aligned and pipes escaped', () => {
    const table = markdownTable([
      { matcher: 'TopicTrie', 'topics/s': 1_250_000 },
      { matcher: 'a|b', 'topics/s': 900 },
    ])
    expect(table.split('\n')).toEqual([
      '| matcher | topics/s |',
      '| --- | ---: |',
      '| TopicTrie | 1,250,000 |',
      '| a\\|b | 900 |',
    ])
  })

  it('renders a JSON result with its title, environment and ready table', () => {
    const json = JSON.stringify({ title: 'Client', environment: 'Node v20', table: '| a |\n| --- |\n| 1 |' })
    expect(renderResult('/x/core.json', json, 'bench-results/core.json')).toBe(
      '### Client\n\nNode v20\n\n| a |\n| --- |\n| 1 |\n\n<small>from `bench-results/core.json`</small>',
    )
  })

  it('demotes the headings of a Markdown result below the page sections', () => {
    const rendered = renderResult('/x/topic-trie.md', '# Matching\n\n| a |\n| --- |', 'x')
    expect(rendered.startsWith('### Matching\n')).toBe(true)
    expect(renderResult('/x/topic-trie.md', '| a |', 'x').startsWith('### Topic trie\n')).toBe(true)
  })

  it('collects result files from the root and the packages, or says none ran', async () => {
    const root = await tempRepo()
    const docs = join(root, 'docs')
    expect(await generateBenchmarks(root, docs)).toEqual([])
    expect(await readFile(join(docs, 'generated', 'benchmarks.md'), 'utf8')).toContain(
      'No results on this build',
    )

    await mkdir(join(root, 'bench-results'))
    await writeFile(
      join(root, 'bench-results', 'core.json'),
      JSON.stringify({ title: 'Client', rows: [{ a: 1 }] }),
    )
    await mkdir(join(root, 'packages', 'topic-trie', 'bench-results'))
    await writeFile(
      join(root, 'packages', 'topic-trie', 'bench-results', 'match.md'),
      '| b |\n| --- |\n| 2 |',
    )
    await writeFile(join(root, 'bench-results', 'broken.json'), '{ not json')
    expect(await generateBenchmarks(root, docs)).toEqual([
      'bench-results/core.json',
      'packages/topic-trie/bench-results/match.md',
    ])
    const page = await readFile(join(docs, 'generated', 'benchmarks.md'), 'utf8')
    expect(page).toContain('### Client')
    expect(page).toContain('| 1 |')
    expect(page).toContain('### Match')
  })

  it('falls back to the committed measured/ results for files this checkout did not measure', async () => {
    const root = await tempRepo()
    const docs = join(root, 'docs')
    await mkdir(join(docs, 'measured'), { recursive: true })
    await writeFile(join(docs, 'measured', 'core.json'), JSON.stringify({ title: 'Old', rows: [{ a: 0 }] }))
    await writeFile(join(docs, 'measured', 'topic-trie.md'), '| t |\n| --- |\n| 9 |')
    await mkdir(join(root, 'bench-results'))
    await writeFile(
      join(root, 'bench-results', 'core.json'),
      JSON.stringify({ title: 'New', rows: [{ a: 1 }] }),
    )
    expect(await generateBenchmarks(root, docs)).toEqual([
      'bench-results/core.json',
      'docs/measured/topic-trie.md',
    ])
    const page = await readFile(join(docs, 'generated', 'benchmarks.md'), 'utf8')
    expect(page).toContain('### New')
    expect(page).not.toContain('### Old')
  })
})
