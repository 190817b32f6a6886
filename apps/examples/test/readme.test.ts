import { existsSync, readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { examples } from '../src/examples.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

it('the README table lists every example, in the runner order, with a link to its file', () => {
  const listed = [...readme.matchAll(/^\| \[`([\w-]+)\.ts`\]\(src\/\1\.ts\)/gm)].map((match) => match[1])
  expect(listed).toEqual(examples.map((example) => example.name))
  for (const name of listed) expect(existsSync(new URL(`../src/${name}.ts`, import.meta.url))).toBe(true)
})
