import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Application, LogLevel, type TypeDocOptions } from 'typedoc'
import type { PluginOptions } from 'typedoc-plugin-markdown'

/** One published package whose TSDoc becomes a section of the API reference. */
export interface ReferencedPackage {
  /** npm name, e.g. `@await-mqtt/core`. */
  name: string
  /** Folder under `packages/`. */
  folder: string
  /** Folder under `api/` the pages go to. */
  slug: string
  /** Entry files, relative to the package folder (the `exports` of its package.json). */
  entryPoints: string[]
  /** One sentence for the reference's index page. */
  summary: string
}

export const referencedPackages: readonly ReferencedPackage[] = [
  {
    name: '@await-mqtt/core',
    folder: 'core',
    slug: 'core',
    entryPoints: ['src/index.ts'],
    summary: 'The client: `Client`, `withClient`, `Message`, `Topic`, the error tree and every option.',
  },
  {
    name: '@await-mqtt/topic-trie',
    folder: 'topic-trie',
    slug: 'topic-trie',
    entryPoints: ['src/index.ts'],
    summary:
      'The wildcard matcher: `TopicTrie`, `matches`, validation, shared subscriptions, named wildcards.',
  },
  {
    name: '@await-mqtt/fastify',
    folder: 'fastify-plugin',
    slug: 'fastify',
    entryPoints: ['src/index.ts'],
    summary: 'The Fastify plugin: `app.mqtt`, subscription handlers, Server-Sent Events.',
  },
  {
    name: '@await-mqtt/hono',
    folder: 'hono-middleware',
    slug: 'hono',
    entryPoints: ['src/index.ts', 'src/node-server.ts'],
    summary: 'The Hono lifespan, the `c.var.mqtt` middleware, Server-Sent Events and the node-server helper.',
  },
]

/** Whether an entry file exports anything yet (a package being written may still export nothing). */
export function hasExports(file: string): boolean {
  if (!existsSync(file)) return false
  const source = readFileSync(file, 'utf8')
  return /^export\s+(?!\{\s*\})/m.test(source)
}

/** The result of documenting one package. */
export interface ReferenceResult {
  package: ReferencedPackage
  /** Why it was skipped, when it was. */
  skipped?: string
}

/** One entry file, and the module name the reference shows for it. */
interface EntryPoint {
  file: string
  /** `@await-mqtt/hono` for `src/index.ts`, `@await-mqtt/hono/node-server` for `src/node-server.ts`. */
  module: string
}

function entryPointsOf(root: string, entry: ReferencedPackage): EntryPoint[] {
  return entry.entryPoints.map((file) => ({
    file: join(root, 'packages', entry.folder, file),
    module: file === 'src/index.ts' ? entry.name : `${entry.name}/${basename(file, '.ts')}`,
  }))
}

/**
 * TypeDoc names each module by its path below the entry points' common folder (`core/src`,
 * `hono-middleware/src/node-server`); the reference shows package names instead.
 */
function moduleFor(name: string, entries: readonly EntryPoint[]): string | undefined {
  for (const { file, module } of entries) {
    const path = file.replace(/\.ts$/, '')
    const candidates = [path, path.replace(/\/index$/, '')]
    if (candidates.some((candidate) => candidate === name || candidate.endsWith(`/${name}`))) return module
  }
  return undefined
}

async function document(docsRoot: string, entries: readonly EntryPoint[]): Promise<void> {
  const options: TypeDocOptions & Partial<PluginOptions> = {
    entryPoints: entries.map((entry) => entry.file),
    tsconfig: join(docsRoot, 'tsconfig.typedoc.json'),
    plugin: ['typedoc-plugin-markdown'],
    name: 'API reference',
    out: join(docsRoot, 'api'),
    readme: 'none',
    // Type errors are the type-check's business; a package being written must not break the docs.
    skipErrorChecking: true,
    alwaysCreateEntryPointModule: true,
    excludePrivate: true,
    excludeInternal: true,
    disableSources: true,
    logLevel: LogLevel.Warn,
    entryFileName: 'index',
    // One page per package (and per extra entry point): members are its sections, in the outline.
    outputFileStrategy: 'modules',
    excludeScopesInPaths: true,
    hideBreadcrumbs: true,
    // The plugin's own anchors next to headings, so its links never depend on VitePress's slugs.
    useHTMLAnchors: true,
    hidePageHeader: true,
    sanitizeComments: true,
    useCodeBlocks: true,
    parametersFormat: 'table',
    interfacePropertiesFormat: 'table',
    classPropertiesFormat: 'table',
    typeDeclarationFormat: 'table',
  }
  const app = await Application.bootstrapWithPlugins(options)
  const project = await app.convert()
  if (project === undefined)
    throw new Error('TypeDoc could not convert the packages (see its messages above)')
  for (const module of project.children ?? []) module.name = moduleFor(module.name, entries) ?? module.name
  project.children?.sort((a, b) => a.name.localeCompare(b.name))
  await app.generateOutputs(project)
}

function indexPage(results: readonly ReferenceResult[]): string {
  const rows = results.map(({ package: entry, skipped }) =>
    skipped
      ? `| \`${entry.name}\` | not documented yet: ${skipped} |`
      : `| [\`${entry.name}\`](./${entry.slug}) | ${entry.summary} |`,
  )
  return [
    '# API reference',
    '',
    'Generated by TypeDoc from the TSDoc comments of each package at build time, so it always',
    'matches the code. The guide explains tasks; this reference lists every export, option and default.',
    '',
    '| package | contents |',
    '| --- | --- |',
    ...rows,
    '',
  ].join('\n')
}

/**
 * Writes `api/<package>.md` (one TypeDoc run over every package that exports something; extra
 * entry points in `api/<package>/<entry>.md`) and `api/index.md`.
 * @example await generateApiReference('/work/main', '/work/main/apps/docs')
 */
export async function generateApiReference(root: string, docsRoot: string): Promise<ReferenceResult[]> {
  await rm(join(docsRoot, 'api'), { recursive: true, force: true })
  const results: ReferenceResult[] = []
  const entries: EntryPoint[] = []
  for (const entry of referencedPackages) {
    const ready = entryPointsOf(root, entry).filter((point) => hasExports(point.file))
    results.push(
      ready.length > 0
        ? { package: entry }
        : { package: entry, skipped: 'its entry point exports nothing yet' },
    )
    entries.push(...ready)
  }
  if (entries.length > 0) await document(docsRoot, entries)
  await mkdir(join(docsRoot, 'api'), { recursive: true })
  await writeFile(join(docsRoot, 'api', 'index.md'), indexPage(results))
  return results
}
