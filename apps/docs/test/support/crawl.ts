/** A link that leads nowhere: the page it is on, where it points, and why it is broken. */
export interface BrokenLink {
  from: string
  href: string
  reason: string
}

/** What a crawl of a site found. */
export interface CrawlResult {
  /** Paths of every page visited. */
  pages: string[]
  /** The HTML of every page visited, by path. */
  html: Map<string, string>
  broken: BrokenLink[]
}

const entities: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
}

function decode(text: string): string {
  return text.replace(/&(amp|quot|#39|lt|gt);/g, (entity) => entities[entity] ?? entity)
}

/** The `href`s of the `<a>` elements of an HTML page. */
export function linksOf(html: string): string[] {
  return [...html.matchAll(/<a\s[^>]*?href="([^"]*)"/g)].map((match) => decode(match[1] ?? ''))
}

/** The `id`s an HTML page defines (anchor targets). */
export function idsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((match) => decode(match[1] ?? '')))
}

/**
 * Visits every page reachable from `start` through same-origin links (by HTTP, not by a browser)
 * and reports links to missing pages or missing `#anchors`.
 * @example
 * const { pages, broken } = await crawl('http://127.0.0.1:4173/')
 */
export async function crawl(start: string): Promise<CrawlResult> {
  const origin = new URL(start).origin
  const pages = new Map<string, Promise<{ status: number; html: string }>>()
  const load = (path: string) => {
    let page = pages.get(path)
    if (page === undefined) {
      page = fetch(origin + path).then(async (response) => ({
        status: response.status,
        html: await response.text(),
      }))
      pages.set(path, page)
    }
    return page
  }
  const broken: BrokenLink[] = []
  const visited = new Set<string>()
  const queue = [new URL(start).pathname]
  while (queue.length > 0) {
    const batch = queue.splice(0, 16).filter((path) => !visited.has(path))
    for (const path of batch) visited.add(path)
    await Promise.all(
      batch.map(async (path) => {
        const { html } = await load(path)
        for (const href of linksOf(html)) {
          const target = new URL(href, origin + path)
          if (target.origin !== origin) continue
          const { status, html: targetHtml } = await load(target.pathname)
          if (status !== 200) {
            broken.push({ from: path, href, reason: `HTTP ${status}` })
            continue
          }
          const anchor = decodeURIComponent(target.hash.slice(1))
          if (anchor !== '' && !idsOf(targetHtml).has(anchor)) {
            broken.push({ from: path, href, reason: `no element with id "${anchor}" on ${target.pathname}` })
          }
          if (target.pathname.endsWith('.html') || target.pathname.endsWith('/')) {
            if (!visited.has(target.pathname)) queue.push(target.pathname)
          }
        }
      }),
    )
  }
  const html = new Map<string, string>()
  for (const path of visited) html.set(path, (await load(path)).html)
  return { pages: [...visited].sort(), html, broken }
}
