// `npm run bench`: the side-by-side table of the README, in one run (1–2 minutes on 2 cores).
// Also writes bench-results/topic-trie.json, which the docs site shows on its benchmarks page.
import { mkdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { runSuite } from './suite.js'

const require = createRequire(import.meta.url)
const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version

const environment = `Node ${process.version}, ${process.platform}/${process.arch}; qlobber ${version('qlobber')}, mqtt-match ${version('mqtt-match')}`
console.log(environment)
console.log(
  'Baseline of each "vs" column: TopicTrie match and the linear scan vs qlobber match, TopicTrie test vs QlobberTrue test.\n',
)
const started = performance.now()
const { table, rows } = runSuite()
console.log(table)
console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(0)} s`)

const folder = new URL('../bench-results/', import.meta.url)
await mkdir(folder, { recursive: true })
const title = 'Topic matching: TopicTrie vs qlobber and a linear mqtt-match scan'
await writeFile(
  new URL('topic-trie.json', folder),
  `${JSON.stringify({ title, environment, table, results: rows }, null, 2)}\n`,
)
