// Part of `npm test`: proves the changesets release. On a scratch copy of the manifests and
// changesets (the working tree is never touched) it runs `changeset status` and
// `npm run version-packages` and checks what a release would publish: the four packages at one
// 0.x version (not 1.0.0), a CHANGELOG each with an entry of its own, adapters whose peer range on
// the core accepts that version, and workspace dependencies npm can still resolve locally. It also
// checks what the registry shows: licence, repository, homepage, absolute README links.
// Other changesets may come and go; only the result is checked.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import semver from 'semver'

const root = join(import.meta.dirname, '..')
const published = {
  '@await-mqtt/core': 'packages/core',
  '@await-mqtt/topic-trie': 'packages/topic-trie',
  '@await-mqtt/fastify': 'packages/fastify-plugin',
  '@await-mqtt/hono': 'packages/hono-middleware',
}
const adapters = ['@await-mqtt/fastify', '@await-mqtt/hono']
const started = performance.now()
const failures = []
const check = (ok, message) => {
  if (!ok) failures.push(message)
}

const scratch = mkdtempSync(join(tmpdir(), 'await-mqtt-release-'))
try {
  const workspaces = copyManifests(scratch)
  const run = (command, args) =>
    execFileSync(command, args, { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  // `changeset status` compares the branch with baseBranch through git: one commit on `main`.
  run('git', ['init', '-q', '-b', 'main'])
  run('git', ['add', '-A'])
  run('git', ['-c', 'user.name=check-release', '-c', 'user.email=check@release', 'commit', '-qm', 'scratch'])

  run('npx', ['--no-install', 'changeset', 'status', '--output=plan.json'])
  const plan = JSON.parse(readFileSync(join(scratch, 'plan.json'), 'utf8'))
  const planned = new Map(plan.releases.map((release) => [release.name, release]))
  for (const name of Object.keys(published)) {
    const release = planned.get(name)
    check(release !== undefined, `changeset status: ${name} is not released`)
    check(release?.changesets.length > 0, `changeset status: ${name} has no changeset of its own`)
  }

  run('npm', ['run', '-s', 'version-packages'])
  const versions = Object.fromEntries(
    Object.entries(published).map(([name, dir]) => [name, readManifest(join(scratch, dir)).version]),
  )
  const version = versions['@await-mqtt/core']
  check(new Set(Object.values(versions)).size === 1, `versions differ: ${JSON.stringify(versions)}`)
  check(semver.valid(version) !== null && semver.major(version) === 0, `the release is ${version}, not 0.x`)
  check(semver.gt(version, readManifest(join(root, 'packages/core')).version), `${version} is no bump`)

  for (const [name, dir] of Object.entries(published)) {
    const changelog = readText(join(scratch, dir, 'CHANGELOG.md'))
    const section = changelog.split(/^## /m).find((part) => part.startsWith(`${version}\n`)) ?? ''
    check(changelog.startsWith(`# ${name}\n`), `${dir}/CHANGELOG.md does not start with "# ${name}"`)
    check(section !== '', `${dir}/CHANGELOG.md has no "## ${version}"`)
    // An entry of its own, not only "Updated dependencies" pulled along by the fixed group.
    check(/^### (Major|Minor|Patch) Changes\n\n- (?!Updated dependencies)/m.test(section), `${dir}: no entry`)
  }

  const core = versions['@await-mqtt/core']
  for (const name of adapters) {
    const range = readManifest(join(scratch, published[name])).peerDependencies?.['@await-mqtt/core']
    check(range !== undefined && semver.satisfies(core, range), `${name} peer core ${range} rejects ${core}`)
    check(
      range !== undefined && semver.minVersion(range)?.version === core,
      `${name} peer ${range}: not >=${core}`,
    )
    const nextMinor = semver.inc(core, 'minor')
    check(
      range !== undefined && semver.satisfies(nextMinor, range),
      `${name} peer ${range} stops at ${nextMinor}`,
    )
  }

  // Every workspace (examples and docs included) must still resolve the packages from the workspace.
  for (const dir of workspaces) {
    const manifest = readManifest(join(scratch, dir))
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
      for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
        if (!(dependency in versions)) continue
        const ok = semver.satisfies(versions[dependency], range)
        check(ok, `${dir} ${field} ${dependency} ${range} rejects ${versions[dependency]}`)
      }
    }
  }
  // What the registry page and `npm install` show a stranger.
  for (const [name, dir] of Object.entries(published)) {
    const manifest = readManifest(join(root, dir))
    check(manifest.license === 'MIT' && existsSync(join(root, dir, 'LICENSE')), `${dir}: no MIT LICENSE`)
    for (const file of ['LICENSE', 'CHANGELOG.md'])
      check(manifest.files?.includes(file), `${dir}: ${file} not in files`)
    check(manifest.repository?.directory === dir, `${dir}: repository.directory is not ${dir}`)
    for (const field of ['homepage', 'bugs', 'keywords', 'engines'])
      check(manifest[field], `${name}: no ${field}`)
    const relative = /\]\((?!https?:|#)[^)]*\)/.exec(readText(join(root, dir, 'README.md')))
    check(relative === null, `${dir}/README.md links ${relative?.[0]}, which breaks on the registry`)
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  if (failures.length === 0)
    console.log(`check-release: the next release is ${version} for all four (${seconds}s)`)
} catch (error) {
  failures.push(`${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
if (failures.length > 0) {
  console.error(`check-release failed:\n- ${failures.join('\n- ')}`)
  process.exitCode = 1
}

/** Copies what changesets reads and writes: manifests, changesets and changelogs. Returns the workspaces. */
function copyManifests(to) {
  const workspaces = []
  for (const parent of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, parent))) {
      const dir = `${parent}/${name}`
      if (!existsSync(join(root, dir, 'package.json'))) continue
      workspaces.push(dir)
      for (const file of ['package.json', 'CHANGELOG.md']) {
        if (existsSync(join(root, dir, file))) cpSync(join(root, dir, file), join(to, dir, file))
      }
    }
  }
  cpSync(join(root, 'package.json'), join(to, 'package.json'))
  cpSync(join(root, '.changeset'), join(to, '.changeset'), { recursive: true })
  cpSync(join(root, 'scripts'), join(to, 'scripts'), { recursive: true })
  symlinkSync(join(root, 'node_modules'), join(to, 'node_modules'), 'dir')
  return workspaces
}

function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
}

function readText(file) {
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}
