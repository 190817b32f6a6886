import { mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type * as Core from '@await-mqtt/core'

/** The await-mqtt module the contenders use, and how it was loaded. */
export interface CoreUnderTest {
  core: typeof Core
  how: string
  /** The bundle written, if any. */
  file?: string
  /** Removes the bundle, if one was written. */
  dispose(): Promise<void>
}

const coreRoot = resolve(import.meta.dirname, '..')

/**
 * By default the core is measured as plain JavaScript, the way its build runs: packages/core/src
 * (with @await-mqtt/topic-trie's source) bundled by esbuild, mqtt and socks left external. Loading
 * the source through tsx instead adds a `__name()` call to every closure it creates (tsx always
 * turns esbuild's keepNames on), which MQTT.js, plain JavaScript, does not pay. `source: true`
 * measures that tsx-loaded source anyway.
 */
export async function loadCore(source: boolean): Promise<CoreUnderTest> {
  if (source) {
    return {
      core: await import('@await-mqtt/core'),
      how: 'await-mqtt loaded from its TypeScript source by tsx (--source)',
      dispose: async () => {},
    }
  }
  let esbuild: typeof import('esbuild')
  try {
    esbuild = await import('esbuild')
  } catch {
    return {
      core: await import('@await-mqtt/core'),
      how: 'await-mqtt loaded from source by tsx (esbuild not found, so not bundled): tsx adds __name() calls',
      dispose: async () => {},
    }
  }
  // Inside packages/core, so the bundle's `mqtt` and `socks` imports resolve like the package's own.
  const outDir = join(coreRoot, 'node_modules', '.cache', 'await-mqtt-bench')
  await mkdir(outDir, { recursive: true })
  const outfile = join(outDir, `core-${process.pid}.mjs`)
  await esbuild.build({
    entryPoints: [join(coreRoot, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'es2022',
    conditions: ['@await-mqtt/source'],
    external: ['mqtt', 'socks'],
    keepNames: false,
    logLevel: 'error',
  })
  return {
    core: (await import(pathToFileURL(outfile).href)) as typeof Core,
    how: 'await-mqtt measured as plain JavaScript: packages/core/src bundled by esbuild at start (es2022, like its tsc build)',
    file: outfile,
    dispose: () => rm(outfile, { force: true }),
  }
}
