// What a stranger meets outside the monorepo (`.ci/run` calls it after `npm test`): builds and packs
// the four packages, lints the tarballs (publint, attw), installs them into a fresh project in the
// temp directory, type-checks a strict TypeScript app under moduleResolution nodenext, bundler and
// node, and runs that app, a plain ESM one and a CommonJS one, each a real round trip through aedes
// with the Fastify and Hono apps included. `--no-build` reuses dist/; KEEP=1 keeps the project.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Aedes } from 'aedes'

const root = join(import.meta.dirname, '..')
const packages = [
  'packages/topic-trie',
  'packages/core',
  'packages/fastify-plugin',
  'packages/hono-middleware',
]
const started = performance.now()

/** The strict settings a careful consumer has; each variant adds its module resolution. */
const strict = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  target: 'ES2022',
  lib: ['ES2022', 'ESNext.Disposable', 'DOM'],
  types: ['node'],
}
/** nodenext also emits: that build is the TypeScript app that runs. */
const tsconfigs = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', outDir: 'out' },
  bundler: { module: 'esnext', moduleResolution: 'bundler', noEmit: true },
  // esModuleInterop as `tsc --init` sets it: fastify's logger (pino) needs it under node10 resolution.
  node: { module: 'esnext', moduleResolution: 'node', esModuleInterop: true, noEmit: true },
}

const timings = []

const project = mkdtempSync(join(tmpdir(), 'await-mqtt-consumer-'))
const broker = await startAedes()
try {
  if (!process.argv.includes('--no-build')) {
    await step('build', async () => {
      for (const dir of packages) await run('npm', ['run', '-s', 'build'], join(root, dir))
    })
  }
  const packs = join(project, 'packs')
  mkdirSync(packs)
  const tarballs = await step('npm pack', async () => {
    const out = []
    for (const dir of packages) {
      const [{ filename }] = JSON.parse(
        await run('npm', ['pack', '--json', '--pack-destination', packs], join(root, dir)),
      )
      out.push(join(packs, filename))
    }
    return out
  })
  await step('publint + attw on the tarballs', async () => {
    for (const tarball of tarballs) {
      await run('npx', ['--no-install', 'publint', 'run', '--strict', tarball], root)
      // Node 20.19+ and TypeScript's nodenext may require() these ES modules: no dual package needed.
      await run(
        'npx',
        ['--no-install', 'attw', '--pack', tarball, '--ignore-rules', 'cjs-resolves-to-esm'],
        root,
      )
    }
  })

  await step('npm install in a fresh project', async () => {
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`,
    )
    for (const file of ['round-trip.ts', 'round-trip.mjs', 'round-trip.cjs']) {
      cpSync(join(root, 'scripts/consumer', file), join(project, file))
    }
    for (const [name, options] of Object.entries(tsconfigs)) {
      const compilerOptions = { ...strict, ...options }
      writeFileSync(
        join(project, `tsconfig.${name}.json`),
        JSON.stringify({ compilerOptions, files: ['round-trip.ts'] }),
      )
    }
    const tools = ['typescript', '@types/node', 'fastify', 'hono', '@hono/node-server'].map(
      (name) => `${name}@${workspaceRange(name)}`,
    )
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, ...tools],
      project,
    )
    const installed = readdirSync(join(project, 'node_modules/@await-mqtt')).sort()
    if (installed.join() !== 'core,fastify,hono,topic-trie') throw new Error(`installed: ${installed}`)
  })

  for (const name of Object.keys(tsconfigs)) {
    await step(`tsc moduleResolution ${name}`, () =>
      run('npx', ['--no-install', 'tsc', '-p', `tsconfig.${name}.json`], project),
    )
  }
  const env = { ...process.env, MQTT_URL: broker.url }
  for (const [name, file] of [
    ['TypeScript (nodenext build)', 'out/round-trip.js'],
    ['plain ESM JavaScript', 'round-trip.mjs'],
    ['CommonJS require()', 'round-trip.cjs'],
  ]) {
    await step(`run ${name}`, async () => {
      const output = await run('node', [file], project, env)
      if (!/: core, fastify, hono, with-client\n$/.test(output)) throw new Error(`${file} printed ${output}`)
    })
  }
} catch (error) {
  console.error(`consumer test failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`)
  process.exitCode = 1
} finally {
  await broker.close()
  if (process.env.KEEP === '1') console.log(`kept ${project}`)
  else rmSync(project, { recursive: true, force: true })
}
for (const [name, ms] of timings) console.log(`${(ms / 1000).toFixed(1).padStart(6)}s  ${name}`)
const total = ((performance.now() - started) / 1000).toFixed(1)
console.log(`${total.padStart(6)}s  consumer test ${process.exitCode ? 'FAILED' : 'passed'}`)

async function step(name, fn) {
  const begin = performance.now()
  const result = await fn()
  timings.push([name, performance.now() - begin])
  console.log(`ok ${name}`)
  return result
}

async function run(command, args, cwd, env = process.env) {
  const { stdout } = await promisify(execFile)(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

function workspaceRange(name) {
  for (const dir of ['.', ...packages]) {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))
    const range = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name]
    if (range !== undefined) return range
  }
  throw new Error(`no workspace range for ${name}`)
}

async function startAedes() {
  const aedes = await Aedes.createBroker()
  const sockets = new Set()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    aedes.handle(socket)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `mqtt://127.0.0.1:${server.address().port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
      await new Promise((resolve) => aedes.close(resolve))
    },
  }
}
