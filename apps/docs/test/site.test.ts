import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumAvailable, chromiumSkipReason, launchChromium } from './support/chromium.js'
import { type CrawlResult, crawl } from './support/crawl.js'
import { distRoot, docsRoot, ensureSiteBuilt } from './support/site-build.js'
import { type StaticServer, serveStatic } from './support/static-server.js'

/** The pages a reader lands on first: every task of the guide, the migrations and the reference. */
const mainPages = [
  '/',
  '/guide/getting-started.html',
  '/guide/connecting.html',
  '/guide/publishing.html',
  '/guide/subscribing.html',
  '/guide/topic-filters.html',
  '/guide/errors.html',
  '/guide/reconnecting.html',
  '/guide/runtimes.html',
  '/guide/tls.html',
  '/guide/proxies.html',
  '/guide/websockets-and-browsers.html',
  '/guide/scaling.html',
  '/integrations/fastify.html',
  '/integrations/hono.html',
  '/migrating/mqtt-js.html',
  '/migrating/asyncio-mqtt.html',
  '/benchmarks.html',
  '/api/',
  '/api/core.html',
  '/api/hono/node-server.html',
]

const artifacts = join(docsRoot, 'test-artifacts')
const available = chromiumAvailable()

describe.skipIf(!available)(`the docs site in chromium ${available ? '' : chromiumSkipReason}`, () => {
  let server: StaticServer
  let browser: Browser
  let context: BrowserContext
  let site: CrawlResult

  beforeAll(async () => {
    await ensureSiteBuilt()
    server = await serveStatic(distRoot)
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    site = await crawl(`${server.url}/`)
    mkdirSync(artifacts, { recursive: true })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it.concurrent.for(mainPages)(
    'renders %s with a title, a heading and no console error',
    async (path, { expect }) => {
      await using page = await context.newPage()
      const problems: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`)
      })
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
      page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`))
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`)
      })
      const response = await page.goto(server.url + path, { waitUntil: 'load' })
      expect(response?.status()).toBe(200)
      await page.waitForFunction('document.querySelector("#app")?.__vue_app__ !== undefined') // hydrated
      expect(await page.title()).toMatch(/await-mqtt/)
      const heading = page.locator(path === '/' ? '.VPHero .name' : '.vp-doc h1').first()
      await expect.poll(() => heading.isVisible()).toBe(true)
      expect((await heading.textContent())?.trim()).not.toBe('')
      expect(problems).toEqual([])
    },
  )

  it('has no broken internal link or anchor on any page', () => {
    expect(site.pages.length).toBeGreaterThan(mainPages.length)
    for (const path of mainPages) expect(site.pages).toContain(path)
    expect(site.broken).toEqual([])
  })

  it('shows every code snippet it includes', () => {
    for (const [path, html] of site.html) {
      expect(html, path).not.toContain('Code snippet path not found')
      expect(html, path).not.toMatch(/#(end)?region/)
    }
  })

  it('takes a screenshot of the home page and of a guide page', async () => {
    await using page = await context.newPage()
    await page.goto(`${server.url}/`, { waitUntil: 'networkidle' })
    await page.locator('.VPHero .image-src').waitFor()
    const home = await page.screenshot({ path: join(artifacts, 'home.png'), fullPage: true })
    await page.goto(`${server.url}/migrating/mqtt-js.html#subscribing-and-receiving`, {
      waitUntil: 'networkidle',
    })
    const guide = await page.screenshot({ path: join(artifacts, 'migrating-mqtt-js.png') })
    expect(home.byteLength).toBeGreaterThan(10_000)
    expect(guide.byteLength).toBeGreaterThan(10_000)
  })
})
