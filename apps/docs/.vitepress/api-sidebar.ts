import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { DefaultTheme } from 'vitepress'

/** TypeDoc's folders, in the order the sidebar shows them. */
const kinds: Record<string, string> = {
  classes: 'Classes',
  functions: 'Functions',
  interfaces: 'Interfaces',
  'type-aliases': 'Types',
  variables: 'Constants',
  enumerations: 'Enums',
}

function pages(folder: string, link: string): DefaultTheme.SidebarItem[] {
  const items: DefaultTheme.SidebarItem[] = []
  for (const [kind, text] of Object.entries(kinds)) {
    const dir = join(folder, kind)
    if (!existsSync(dir)) continue
    const names = readdirSync(dir)
      .filter((name) => name.endsWith('.md'))
      .map((name) => name.slice(0, -3))
      .sort((a, b) => a.localeCompare(b))
    items.push({
      text,
      collapsed: true,
      items: names.map((name) => ({ text: name, link: `${link}/${kind}/${name}` })),
    })
  }
  return items
}

/** The sub-modules of a package with several entry points (TypeDoc gives each its own folder). */
function modules(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => !(name in kinds) && statSync(join(folder, name)).isDirectory())
    .filter((name) => existsSync(join(folder, name, 'index.md')))
}

/**
 * The API sidebar, read from what TypeDoc generated into `api/` (`npm run prepare-docs`; the build
 * runs it): one group per package, one per extra entry point (`@await-mqtt/hono/node-server`).
 * Packages not generated (yet) are left out.
 */
export function apiSidebar(docsRoot: string): DefaultTheme.SidebarItem[] {
  const api = join(docsRoot, 'api')
  const items: DefaultTheme.SidebarItem[] = [{ text: 'Overview', link: '/api/' }]
  if (!existsSync(api)) return items
  const packages = readdirSync(api).filter((name) => existsSync(join(api, name, 'index.md')))
  for (const slug of packages.sort()) {
    const folder = join(api, slug)
    items.push({
      text: `@await-mqtt/${slug}`,
      link: `/api/${slug}/`,
      collapsed: false,
      items: pages(folder, `/api/${slug}`),
    })
    for (const name of modules(folder)) {
      items.push({
        text: `@await-mqtt/${slug}/${name}`,
        link: `/api/${slug}/${name}/`,
        collapsed: false,
        items: pages(join(folder, name), `/api/${slug}/${name}`),
      })
    }
  }
  return items
}
