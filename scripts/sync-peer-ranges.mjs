// Runs after `changeset version` (`npm run version-packages`): points each adapter's peer range on
// @await-mqtt/core at the version released with it, up to the next major.
//
// Why a range and not the exact version: changesets bumps a package major when the version of a
// peer it depends on leaves the peer range, and the fixed group then carries that major to all four
// packages (an exact `0.0.0` turned the first release into 1.0.0). With
// `onlyUpdatePeerDependentsWhenOutOfRange` in .changeset/config.json, a range up to the next major
// keeps every 0.x release of the group on 0.x, and npm 7+ accepts it when it installs peers.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const root = process.argv[2] ?? join(import.meta.dirname, '..')
const core = '@await-mqtt/core'
const adapters = ['packages/fastify-plugin', 'packages/hono-middleware']

const coreVersion = JSON.parse(await readFile(join(root, 'packages/core/package.json'), 'utf8')).version
const range = peerRange(coreVersion)
for (const dir of adapters) {
  const file = join(root, dir, 'package.json')
  const text = await readFile(file, 'utf8')
  const manifest = JSON.parse(text)
  if (manifest.peerDependencies?.[core] === undefined)
    throw new Error(`${file} has no peer dependency on ${core}`)
  if (manifest.peerDependencies[core] === range) continue
  manifest.peerDependencies[core] = range
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`)
  console.log(`${manifest.name}: peer ${core} ${range}`)
}

/**
 * `>=0.1.0 <1.0.0` for 0.1.0: the core released with the adapter or any later one before the next
 * major. Written out, because `^0.1.0` would stop at 0.2.0 and make the next minor a major.
 */
function peerRange(version) {
  const match = /^(\d+)\.\d+\.\d+$/.exec(version)
  if (match === null) throw new Error(`${core} has version ${version}, not major.minor.patch`)
  return `>=${version} <${Number(match[1]) + 1}.0.0`
}
