import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { DefaultTheme } from 'vitepress'

/**
 * The API sidebar, read from what TypeDoc generated into `api/` (`npm run prepare-docs`; the build
 * runs it): one page per package (`api/core.md`), one per extra entry point
 * (`api/hono/node-server.md`). Each page's members are in its outline. Packages not generated (yet)
 * are left out.
 */
export function apiSidebar(docsRoot: string): DefaultTheme.SidebarItem[] {
  const api = join(docsRoot, 'api')
  const items: DefaultTheme.SidebarItem[] = [{ text: 'Overview', link: '/api/' }]
  if (!existsSync(api)) return items
  const packages = readdirSync(api)
    .filter((name) => name.endsWith('.md') && name !== 'index.md')
    .map((name) => name.slice(0, -3))
    .sort((a, b) => a.localeCompare(b))
  for (const slug of packages) {
    items.push({ text: `@await-mqtt/${slug}`, link: `/api/${slug}` })
    const entries = join(api, slug)
    if (!existsSync(entries)) continue
    for (const name of readdirSync(entries).filter((file) => file.endsWith('.md'))) {
      const entry = name.slice(0, -3)
      items.push({ text: `@await-mqtt/${slug}/${entry}`, link: `/api/${slug}/${entry}` })
    }
  }
  return [{ text: 'API reference', items }]
}
