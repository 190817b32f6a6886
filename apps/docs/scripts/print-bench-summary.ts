// `npm run bench` at the root ends here: one table over every package's results, also written as JSON.
import { join } from 'node:path'
import { writeBenchSummary } from './bench-summary.js'
import { summaryFile } from './benchmarks.js'

const root = join(import.meta.dirname, '..', '..', '..')
const summary = await writeBenchSummary(root)
console.log(`\n## Benchmark summary (${summary.sources.join(', ') || 'no result files'})\n`)
console.log(summary.table || '(no results: did every bench run?)')
console.log(`\nTargets: ${summary.met} met, ${summary.missed} missed.`)
for (const line of summary.skipped) console.log(`not summarised: ${line}`)
console.log(`\nJSON: bench-results/${summaryFile} (and each package's own file beside it)`)
