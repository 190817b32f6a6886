import {
  defineConfig,
  defineProject,
  type TestProjectInlineConfiguration,
  type UserWorkspaceConfig,
} from 'vitest/config'

const sourceCondition = '@await-mqtt/source'
const ssr = { resolve: { conditions: [sourceCondition, 'module', 'node', 'development|production'] } }

function testSettings(
  name: string,
  overrides: UserWorkspaceConfig['test'] = {},
): UserWorkspaceConfig['test'] {
  return {
    name,
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: `../../test-results/${name}.json` }]],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    ...overrides,
  }
}

function tierSettings(name: string, include: string[]): UserWorkspaceConfig['test'] {
  const { reporters: _reporters, ...settings } = testSettings(name, { include }) ?? {}
  return settings
}

/** The vitest settings every package shares: source resolution, test tiers and type tests. */
export function packageProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({ ssr, test: testSettings(name, overrides) })
}

/** One tier of a package's tests: the files it runs, and whether it runs the type tests. */
export interface Tier {
  include: string[]
  types?: boolean
}

/**
 * A package whose tests come in tiers that run alone (`vitest run --project core:unit`), as vitest
 * projects named `<name>:<tier>`. `root` places them when the workspace root loads them.
 */
export function tierProjects(
  name: string,
  tiers: Record<string, Tier>,
  root?: string,
): TestProjectInlineConfiguration[] {
  return Object.entries(tiers).map(([tier, { include, types = false }]) => ({
    ssr,
    test: {
      ...tierSettings(`${name}:${tier}`, include),
      ...(root === undefined ? {} : { root }),
      typecheck: { enabled: types, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    },
  }))
}

/** The config of a tiered package run on its own (nx, `npm test`): every tier, one JSON report. */
export function tieredPackage(name: string, tiers: Record<string, Tier>) {
  return defineConfig({
    test: {
      reporters: ['default', ['json', { outputFile: `../../test-results/${name}.json` }]],
      projects: tierProjects(name, tiers),
    },
  })
}
