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
  '/guide/receiving.html',
  '/guide/typed-payloads.html',
  '/guide/request-response.html',
  '/guide/errors.html',
  '/guide/reconnecting.html',
  '/guide/reliability.html',
  '/guide/behaviour.html',
  '/guide/runtimes.html',
  '/guide/how-it-works.html',
  '/guide/tls.html',
  '/guide/proxies.html',
  '/guide/websockets-and-browsers.html',
  '/guide/transports.html',
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

  it.for(['light', 'dark'] as const)(
    'leads the benchmarks page with readable charts in %s mode (screenshot kept)',
    async (scheme, { expect }) => {
      await using themed = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        colorScheme: scheme,
      })
      const page = await themed.newPage()
      await page.goto(`${server.url}/benchmarks.html`, { waitUntil: 'networkidle' })
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(
        scheme === 'dark',
      )
      const charts = page.locator('.vp-doc svg.bench-chart')
      expect(await charts.count()).toBe(4) // client on mosquitto and aedes; matcher throughput and heap
      await expect.poll(() => charts.first().isVisible()).toBe(true)
      // the charts come before the first table, and the summary before them
      expect(
        await page.evaluate(() => {
          const chart = document.querySelector('.vp-doc svg.bench-chart')
          const table = document.querySelector('.vp-doc table')
          const summary = document.querySelector('.vp-doc h1 ~ ul')
          const before = (a: Node | null, b: Node | null) =>
            a !== null &&
            b !== null &&
            (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0
          return [before(summary, chart), before(chart, table), summary?.querySelectorAll('li').length]
        }),
      ).toEqual([true, true, 3])
      const contrast = await page.evaluate(() => {
        const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number)
        const luminance = (color: string) => {
          const [r = 0, g = 0, b = 0] = rgb(color).map((v) => {
            const c = v / 255
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
          })
          return 0.2126 * r + 0.7152 * g + 0.0722 * b
        }
        const ratio = (a: string, b: string) => {
          const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
          return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05)
        }
        const background = getComputedStyle(document.body).backgroundColor
        const fill = (selector: string) => {
          const element = document.querySelector(`.vp-doc svg.bench-chart ${selector}`)
          return element === null ? background : getComputedStyle(element).fill
        }
        return {
          label: ratio(fill('.label'), background),
          bars: ['.bar.ours', '.bar.promise', '.bar.rival', '.bar.native'].map((bar) =>
            ratio(fill(bar), background),
          ),
        }
      })
      expect(contrast.label).toBeGreaterThanOrEqual(4.5) // WCAG AA for text
      for (const bar of contrast.bars) expect(bar).toBeGreaterThanOrEqual(3) // WCAG AA for graphics
      const shot = await page.screenshot({ path: join(artifacts, `benchmarks-${scheme}.png`) })
      expect(shot.byteLength).toBeGreaterThan(10_000)
    },
  )

  it('shows the architecture diagram on "How it works", every box inside the picture (screenshot kept)', async () => {
    await using page = await context.newPage()
    await page.goto(`${server.url}/guide/how-it-works.html`, { waitUntil: 'networkidle' })
    const diagram = page.locator('.vp-doc svg.arch-diagram')
    await expect.poll(() => diagram.isVisible()).toBe(true)
    const layout = await diagram.evaluate((svg) => {
      const frame = (svg as SVGSVGElement).viewBox.baseVal
      const boxes = Array.from(svg.querySelectorAll('.step')).map((step) =>
        (step as SVGGraphicsElement).getBBox(),
      )
      return {
        steps: boxes.length,
        outside: boxes.filter(
          (box) =>
            box.x < 0 || box.y < 0 || box.x + box.width > frame.width || box.y + box.height > frame.height,
        ).length,
        text: svg.textContent ?? '',
      }
    })
    expect(layout.steps).toBeGreaterThan(10)
    expect(layout.outside).toBe(0)
    expect(layout.text).toContain('publish.ts')
    expect(layout.text).toContain('message-stream.ts')
    const shot = await diagram.screenshot({ path: join(artifacts, 'how-it-works.png') })
    expect(shot.byteLength).toBeGreaterThan(10_000)
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
