// The core on every runtime it claims (`.ci/run` calls it after `npm test`): the round trip,
// reconnect and TLS smoke (runtime/smoke.mjs) on this machine's Node, Node 26, Bun and Deno, against
// an aedes with a TCP and a TLS listener, plus whether each runtime parses `await using` natively.
// The other runtimes are npm packages with their binaries inside, installed into a cache directory
// (AWAIT_MQTT_RUNTIMES, default ~/.cache/await-mqtt-runtimes), not into everyone's node_modules.
// `--no-build` reuses the core's dist/.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createTlsServer } from 'node:tls'
import { promisify } from 'node:util'
import { Aedes } from 'aedes'

const root = join(import.meta.dirname, '..')
/** Pinned so that a run today and a run next month test the same runtimes. */
const versions = { node: '26.10.0', bun: '1.4.5', deno: '2.9.6' }
const cache = process.env.AWAIT_MQTT_RUNTIMES ?? join(homedir(), '.cache', 'await-mqtt-runtimes')
const started = performance.now()
const execFileAsync = promisify(execFile)
const run = async (command, args, options = {}) =>
  (await execFileAsync(command, args, { maxBuffer: 16 * 1024 * 1024, ...options })).stdout

const scratch = mkdtempSync(join(tmpdir(), 'await-mqtt-runtimes-'))
const rows = []
let broker
try {
  if (!process.argv.includes('--no-build')) {
    for (const dir of ['packages/topic-trie', 'packages/core'])
      await run('npm', ['run', '-s', 'build'], { cwd: join(root, dir) })
  }
  const bin = await installRuntimes()
  const ca = await makeCertificate(scratch)
  broker = await startAedes(ca)
  const env = { ...process.env, MQTT_URL: broker.url, MQTTS_URL: broker.tlsUrl, MQTT_CA: ca.certFile }
  const runtimes = [
    [`Node ${process.versions.node}`, process.execPath, []],
    [`Node ${versions.node}`, bin('node'), []],
    [`Bun ${versions.bun}`, bin('bun'), ['run']],
    [`Deno ${versions.deno}`, bin('deno'), ['run', '--allow-net', '--allow-env', '--allow-read']],
  ]
  for (const [name, command, args] of runtimes) {
    const begin = performance.now()
    const row = { name, smoke: '', awaitUsing: '', seconds: 0 }
    try {
      const output = await run(command, [...args, 'scripts/runtime/smoke.mjs'], {
        cwd: root,
        env,
        timeout: 60_000,
      })
      row.smoke = output.trim().replace(/^smoke: /, '')
    } catch (error) {
      row.smoke = 'FAILED'
      row.error = `${error.message}\n${error.stderr ?? ''}`
    }
    row.awaitUsing = await run(command, [...args, 'scripts/runtime/await-using.mjs'], { cwd: root }).then(
      (output) => output.trim(),
      (error) => (/SyntaxError/.test(error.stderr) ? 'SyntaxError' : `failed: ${error.message}`),
    )
    row.seconds = (performance.now() - begin) / 1000
    rows.push(row)
  }
} catch (error) {
  console.error(`runtime matrix failed: ${error.message}\n${error.stderr ?? ''}`)
  process.exitCode = 1
} finally {
  await broker?.close()
  rmSync(scratch, { recursive: true, force: true })
}

for (const row of rows) {
  console.log(
    `${row.name.padEnd(14)} ${row.smoke.padEnd(30)} await using: ${row.awaitUsing.padEnd(12)} ${row.seconds.toFixed(1)}s`,
  )
  if (row.error) console.error(row.error)
}
// The docs' table says which runtimes parse `await using`; keep it true.
const parsesAwaitUsing = (name) => !/^Node (20|22)\./.test(name)
for (const row of rows) {
  if (row.smoke !== 'round trip, reconnect, TLS') process.exitCode = 1
  if (row.awaitUsing !== (parsesAwaitUsing(row.name) ? 'native' : 'SyntaxError')) {
    console.error(`${row.name}: await using is ${row.awaitUsing}, not what the docs say`)
    process.exitCode = 1
  }
}
console.log(
  `${((performance.now() - started) / 1000).toFixed(1)}s  runtime matrix ${process.exitCode ? 'FAILED' : 'passed'}`,
)

/** Installs the pinned runtimes once per version set; returns the path of a runtime's binary. */
async function installRuntimes() {
  const dir = join(
    cache,
    Object.entries(versions)
      .map(([name, version]) => `${name}-${version}`)
      .join('_'),
  )
  const bin = (name) => join(dir, 'node_modules', '.bin', name)
  if (!Object.keys(versions).every((name) => existsSync(bin(name)))) {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true }, null, 2)}\n`)
    const specs = Object.entries(versions).map(([name, version]) => `${name}@${version}`)
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefer-offline', ...specs], {
      cwd: dir,
    })
  }
  for (const [name, version] of Object.entries(versions)) {
    const reported = await run(bin(name), ['--version'])
    if (!reported.includes(version)) throw new Error(`${bin(name)} is ${reported.trim()}, not ${version}`)
  }
  return bin
}

/** A self-signed certificate for 127.0.0.1: the CA the smoke test trusts is the certificate itself. */
async function makeCertificate(dir) {
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    ...subject,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ])
  return { certFile, cert: readFileSync(certFile), key: readFileSync(keyFile) }
}

async function startAedes({ cert, key }) {
  const aedes = await Aedes.createBroker()
  const sockets = new Set()
  const handle = (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    aedes.handle(socket)
  }
  const tcp = createServer(handle)
  const tls = createTlsServer({ cert, key }, handle)
  // A client that refuses the certificate aborts the handshake: that is the test, not a failure.
  tls.on('tlsClientError', () => {})
  const listen = (server) =>
    new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))
  const [port, tlsPort] = [await listen(tcp), await listen(tls)]
  return {
    url: `mqtt://127.0.0.1:${port}`,
    tlsUrl: `mqtts://127.0.0.1:${tlsPort}`,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await Promise.all([tcp, tls].map((server) => new Promise((resolve) => server.close(resolve))))
      await new Promise((resolve) => aedes.close(resolve))
    },
  }
}
