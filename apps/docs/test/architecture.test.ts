import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { architectureDiagram, filesNamed, parseArchitecture } from '../scripts/architecture.js'
import { docsRoot } from './support/site-build.js'

const core = join(docsRoot, '..', '..', 'packages', 'core')
const markdown = readFileSync(join(core, 'ARCHITECTURE.md'), 'utf8')

describe('packages/core/ARCHITECTURE.md', () => {
  it('names only files that exist (in packages/core/src, or from the repository root)', () => {
    const named = filesNamed(markdown)
    expect(named.length).toBeGreaterThan(20)
    const exists = (file: string) =>
      existsSync(join(core, 'src', file)) || existsSync(join(core, '..', '..', file))
    expect(named.filter((file) => !exists(file))).toEqual([])
  })

  it('follows one publish and one received message, every step with its files', () => {
    const flows = parseArchitecture(markdown)
    expect(flows.map((flow) => flow.title)).toEqual(['One publish', 'One received message'])
    for (const flow of flows) {
      expect(flow.steps.length).toBeGreaterThan(4)
      for (const step of flow.steps) expect(step.files.length, step.step).toBeGreaterThan(0)
    }
    // every file the prose of a step names is in that step's box too
    for (const step of flows.flatMap((flow) => flow.steps)) {
      expect(
        filesNamed(step.text).filter((file) => !step.files.includes(file)),
        step.step,
      ).toEqual([])
    }
  })

  it('is what the diagram draws: every step and every file', () => {
    const flows = parseArchitecture(markdown)
    const svg = architectureDiagram(flows)
    for (const step of flows.flatMap((flow) => flow.steps)) {
      expect(svg).toContain(`. ${step.step}</text>`)
      for (const file of step.files) expect(svg).toContain(file)
    }
    expect(svg).not.toMatch(/\n\s*\n/) // one HTML block in Markdown
    expect(svg).not.toMatch(/fill="#|stroke="#|style=/) // colours come from the theme
  })

  it('rejects a step that does not have the shape the diagram reads', () => {
    expect(() => parseArchitecture('## Flow\n\n1. Validate: publish.ts')).toThrow(/not "\*\*Step\*\* — files/)
  })
})
