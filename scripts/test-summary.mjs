// Prints one closing line for the whole `npm test` run, summed over every package's vitest JSON report.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

const dir = join(import.meta.dirname, '..', 'test-results')
let passed = 0
let failed = 0
let skipped = 0
for (const file of (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.json'))) {
  const report = JSON.parse(await readFile(join(dir, file), 'utf8'))
  passed += report.numPassedTests ?? 0
  failed += report.numFailedTests ?? 0
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exitCode = failed > 0 || passed === 0 ? 1 : 0
