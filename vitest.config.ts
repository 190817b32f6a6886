import { defineConfig } from 'vitest/config'
import { tiers as coreTiers } from './packages/core/vitest.config.ts'
import { tierProjects } from './vitest.shared.ts'

export default defineConfig({
  test: {
    projects: ['packages/!(core)', 'apps/*', ...tierProjects('core', coreTiers, 'packages/core')],
  },
})
