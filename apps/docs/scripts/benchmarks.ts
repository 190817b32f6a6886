import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'

/** What a JSON result file may hold: a ready Markdown table, or rows to render as one. */
interface JsonResult {
  title?: string
  /** e.g. `Node v20.20.0, linux/x64; qlobber 8.0.1` */
  environment?: string
  /** A Markdown table, as the bench scripts print it. */
  table?: string
  rows?: Record<string, unknown>[]
}

const cell = (value: unknown) =>
  String(typeof value === 'number' ? value.toLocaleString('en-US') : value).replaceAll('|', '\\|')

/** Renders rows of objects as a Markdown table, with the keys of the first row as columns. */
export function markdownTable(rows: readonly Record<string, unknown>[]): string {
  const columns = Object.keys(rows[0] ?? {})
  if (columns.length === 0) return ''
  const numeric = columns.map((column) => rows.every((row) => typeof row[column] === 'number'))
  return [
    `| ${columns.join(' | ')} |`,
    `| ${numeric.map((right) => (right ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((column) => cell(row[column] ?? '')).join(' | ')} |`),
  ].join('\n')
}

function titleOf(file: string): string {
  const name = basename(file).replace(/\.(md|json)$/, '')
  return name.replace(/[-_]+/g, ' ').replace(/^./, (first) => first.toUpperCase())
}

/** Turns one result file into a Markdown section (`###` heading, environment line, table). */
export function renderResult(file: string, text: string, shownPath: string): string {
  const source = `<small>from \`${shownPath}\`</small>`
  if (file.endsWith('.md')) {
    const body = text.trim().replace(/^#{1,6}\s+/gm, (heading) => `###${heading.trimEnd().slice(1)} `)
    return body.startsWith('###') ? `${body}\n\n${source}` : `### ${titleOf(file)}\n\n${body}\n\n${source}`
  }
  const parsed = JSON.parse(text) as JsonResult | Record<string, unknown>[]
  const result: JsonResult = Array.isArray(parsed) ? { rows: parsed } : parsed
  const table = result.table ?? markdownTable(result.rows ?? [])
  const environment = result.environment ? `${result.environment}\n\n` : ''
  return `### ${result.title ?? titleOf(file)}\n\n${environment}${table}\n\n${source}`
}

/** The folders bench scripts write to: `bench-results/` at the root and in each package or app. */
export async function resultFolders(root: string): Promise<string[]> {
  const folders = [join(root, 'bench-results')]
  for (const group of ['packages', 'apps']) {
    const parent = join(root, group)
    if (!existsSync(parent)) continue
    for (const name of (await readdir(parent)).sort()) folders.push(join(parent, name, 'bench-results'))
  }
  return folders.filter((folder) => existsSync(folder))
}

/** The name of the one-table summary `npm run bench` writes to the root `bench-results/`. */
export const summaryFile = 'summary.json'

/** File names sorted, the summary first: the page opens with it. */
const summaryFirst = (names: readonly string[]) =>
  [...names].sort((a, b) => Number(b === summaryFile) - Number(a === summaryFile) || a.localeCompare(b))

/**
 * Collects every `bench-results/*.md` and `*.json` into `generated/benchmarks.md` (included by
 * benchmarks.md); results committed in `<docs>/measured/` stand in for any file this checkout has
 * not measured itself (so a fresh clone shows real figures); writes a "not run yet" note when there
 * is none. Returns the files used.
 * @example await generateBenchmarks('/work/main', '/work/main/apps/docs')
 */
export async function generateBenchmarks(root: string, docsRoot: string): Promise<string[]> {
  const used: string[] = []
  const sections: string[] = []
  const fresh = new Set<string>()
  const measured = join(docsRoot, 'measured')
  const folders = [...(await resultFolders(root)), ...(existsSync(measured) ? [measured] : [])]
  for (const folder of folders) {
    for (const name of summaryFirst(await readdir(folder))) {
      if (!/\.(md|json)$/.test(name)) continue
      if (folder === measured && fresh.has(name)) continue
      fresh.add(name)
      const file = join(folder, name)
      const shown = relative(root, file)
      try {
        sections.push(renderResult(file, await readFile(file, 'utf8'), shown))
        used.push(shown)
      } catch (error) {
        console.warn(`benchmarks: cannot read ${shown}: ${(error as Error).message}`)
      }
    }
  }
  const body =
    sections.length > 0
      ? sections.join('\n\n')
      : [
          '::: info No results on this build',
          'The site was built before any benchmark ran. Run `npm run bench` at the root: each bench',
          'writes its table to a `bench-results/` folder, and the next docs build shows it here.',
          ':::',
        ].join('\n')
  await mkdir(join(docsRoot, 'generated'), { recursive: true })
  await writeFile(join(docsRoot, 'generated', 'benchmarks.md'), `${body}\n`)
  return used
}
