import { builtinModules } from 'node:module'
import { build, type Metafile, type Plugin } from 'esbuild'

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
 * No plugin or alias is needed: the core's `browser` field maps its Node-only `socks` away.
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
    plugins: [recordBuiltins],
  })
  const [output] = result.outputFiles
  if (output === undefined) throw new Error(`esbuild produced nothing for ${entry}`)
  return { code: output.text, inputs: Object.keys((result.metafile as Metafile).inputs), nodeBuiltins }
}
