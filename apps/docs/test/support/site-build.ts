import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** apps/docs */
export const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Where `vitepress build` writes the site. */
export const distRoot = join(docsRoot, '.vitepress', 'dist')
const repoRoot = join(docsRoot, '..', '..')

const skipped = new Set(['node_modules', 'dist', 'cache', 'api', 'generated', 'test', 'test-artifacts'])

/** The newest modification time of `folder` (a file) or of the files under it (skipping outputs and dependencies). */
function newest(folder: string): number {
  if (!existsSync(folder)) return 0
  if (statSync(folder).isFile()) return statSync(folder).mtimeMs
  let latest = 0
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue
    const path = join(folder, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

/** Whether the built site is newer than every source it is made of (pages, snippets, examples, TSDoc, bench results, ARCHITECTURE.md). */
export function buildIsFresh(): boolean {
  const index = join(distRoot, 'index.html')
  if (!existsSync(index) || !existsSync(join(docsRoot, 'api', 'index.md'))) return false
  const sources = [
    docsRoot,
    ...readdirSync(join(repoRoot, 'packages')).flatMap((name) => [
      join(repoRoot, 'packages', name, 'src'),
      join(repoRoot, 'packages', name, 'bench-results'),
    ]),
    join(repoRoot, 'bench-results'),
    join(repoRoot, 'apps', 'examples', 'src'),
    join(repoRoot, 'packages', 'core', 'ARCHITECTURE.md'), // drawn on "How it works"
  ]
  const built = statSync(index).mtimeMs
  return sources.every((source) => newest(source) < built)
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: docsRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk
    })
    child.once('error', reject)
    child.once('close', (code) => {
      if (code === 0) resolve(output)
      else reject(new Error(`node ${args.join(' ')} exited with ${code}:\n${output}`))
    })
  })
}

/**
 * Builds the site as `npm run build` does (API reference and benchmarks, then `vitepress build`),
 * unless the last build is newer than every source. Returns what the build printed, or why it did not run.
 */
export async function ensureSiteBuilt({ force = false } = {}): Promise<string> {
  if (!force && buildIsFresh()) return 'reused the existing build: it is newer than every source'
  const require = createRequire(import.meta.url)
  const vitepress = join(dirname(require.resolve('vitepress/package.json')), 'bin', 'vitepress.js')
  const prepared = await run(['--import', 'tsx', 'scripts/prepare.ts'])
  const built = await run([vitepress, 'build', '.'])
  return `${prepared}\n${built}`
}
