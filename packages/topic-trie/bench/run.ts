// `npm run bench`: the side-by-side table of the README, in one run (about a minute on 2 cores).
import { createRequire } from 'node:module'
import { runSuite } from './suite.js'

const require = createRequire(import.meta.url)
const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version

console.log(
  `Node ${process.version}, ${process.platform}/${process.arch}; qlobber ${version('qlobber')}, mqtt-match ${version('mqtt-match')}`,
)
console.log(
  'Baseline of each "vs" column: TopicTrie match and the linear scan vs qlobber match, TopicTrie test vs QlobberTrue test.\n',
)
const started = performance.now()
const { table } = runSuite()
console.log(table)
console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(0)} s`)
