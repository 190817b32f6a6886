// Runs before `vitepress build` and `vitepress dev`: the API reference (TypeDoc) and the benchmark
// tables and charts, all generated into gitignored folders so the site always shows the code as it is.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateApiReference } from './api-reference.js'
import { generateArchitecture } from './architecture.js'
import { generateCharts } from './bench-charts.js'
import { generateBenchmarks } from './benchmarks.js'

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const root = join(docsRoot, '..', '..')

const started = performance.now()
for (const result of await generateApiReference(root, docsRoot)) {
  const state = result.skipped ? `skipped (${result.skipped})` : 'documented'
  console.log(`api reference: ${result.package.name} ${state}`)
}
const benchmarks = await generateBenchmarks(root, docsRoot)
console.log(
  benchmarks.length === 0
    ? 'benchmarks: no result files yet (run `npm run bench`)'
    : `benchmarks: ${benchmarks.length} result file(s): ${benchmarks.join(', ')}`,
)
const charts = await generateCharts(root, docsRoot)
console.log(`benchmark charts: drawn from ${charts.length === 0 ? 'nothing yet' : charts.join(', ')}`)
const flows = await generateArchitecture(root, docsRoot)
console.log(`architecture: ${flows.map((flow) => `${flow.title} (${flow.steps.length} steps)`).join(', ')}`)
console.log(`prepared in ${((performance.now() - started) / 1000).toFixed(1)} s`)
