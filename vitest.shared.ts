import { defineProject, type UserWorkspaceConfig } from 'vitest/config'

const sourceCondition = '@await-mqtt/source'

/** The vitest settings every package shares: source resolution, test tiers and type tests. */
export function packageProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    ssr: { resolve: { conditions: [sourceCondition, 'module', 'node', 'development|production'] } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      reporters: ['default', ['json', { outputFile: `../../test-results/${name}.json` }]],
      testTimeout: 20_000,
      hookTimeout: 30_000,
      typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
      ...overrides,
    },
  })
}
