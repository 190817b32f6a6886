import { readFileSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { build, type Metafile, type Plugin } from 'esbuild'

/**
 * npm packages the core loads lazily, and only for TCP connections (never made in a browser), that
 * cannot be bundled for the browser: `socks` (SOCKS proxies) requires `net` and `stream`. A bundler
 * maps them to an empty module when the core's package.json says so in its `browser` field
 * (`"browser": { "socks": false }`); until it does, this plugin does the same.
 */
export const lazyNodeOnlyPackages = ['socks'] as const

const require = createRequire(import.meta.url)

/** The `browser` field of the core's package.json, which bundlers apply to its imports. */
function coreBrowserField(): Record<string, string | false> {
  const manifest = JSON.parse(readFileSync(require.resolve('@await-mqtt/core/package.json'), 'utf8')) as {
    browser?: Record<string, string | false> | string
  }
  return typeof manifest.browser === 'object' ? manifest.browser : {}
}

/** Packages the core's package.json does not yet map away for browsers. */
export function unmappedNodeOnlyPackages(): string[] {
  const field = coreBrowserField()
  return lazyNodeOnlyPackages.filter((name) => field[name] !== false)
}

function emptyModules(names: readonly string[]): Plugin {
  const filter = new RegExp(
    `^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`,
  )
  return {
    name: 'empty-node-only-packages',
    setup(builder) {
      builder.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'empty-node-only' }))
      builder.onLoad({ filter: /.*/, namespace: 'empty-node-only' }, () => ({
        contents: 'export {}',
        loader: 'js',
      }))
    },
  }
}

/** A page script bundled for the browser, and what went into it. */
export interface BrowserBundle {
  code: string
  /** Every input file of the bundle (paths relative to the working directory). */
  inputs: string[]
  /** Node built-ins (`node:*`, `net`, ...) that reached the bundle; must be empty. */
  nodeBuiltins: string[]
}

const builtins = new Set(builtinModules)

/**
 * Bundles `entry` for the browser as a user's bundler would: ESM, `browser` condition (so `mqtt`
 * resolves to its browser build), the monorepo's `@await-mqtt/source` condition for TypeScript sources.
 * @example const { code } = await bundleForBrowser('test/browser/page.ts')
 */
export async function bundleForBrowser(entry: string): Promise<BrowserBundle> {
  const nodeBuiltins: string[] = []
  const recordBuiltins: Plugin = {
    name: 'record-node-builtins',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, '')
        if (args.path.startsWith('node:') || builtins.has(bare)) {
          nodeBuiltins.push(`${args.path} (imported by ${args.importer})`)
          return { path: args.path, external: true }
        }
        return undefined
      })
    },
  }
  const unmapped = unmappedNodeOnlyPackages()
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@await-mqtt/source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [...(unmapped.length > 0 ? [emptyModules(unmapped)] : []), recordBuiltins],
  })
  const [output] = result.outputFiles
  if (output === undefined) throw new Error(`esbuild produced nothing for ${entry}`)
  return { code: output.text, inputs: Object.keys((result.metafile as Metafile).inputs), nodeBuiltins }
}
