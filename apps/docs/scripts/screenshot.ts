// `npm run screenshot -w @await-mqtt/docs [-- /path ...]`: builds the site if it is stale, serves it on
// 127.0.0.1 and saves full-page screenshots (home page by default) to test-artifacts/ to look at.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromiumAvailable, chromiumSkipReason, launchChromium } from '../test/support/chromium.js'
import { distRoot, docsRoot, ensureSiteBuilt } from '../test/support/site-build.js'
import { serveStatic } from '../test/support/static-server.js'

if (!chromiumAvailable()) {
  console.error(chromiumSkipReason)
  process.exit(1)
}
const paths = process.argv.slice(2).filter((arg) => arg.startsWith('/'))
console.log(await ensureSiteBuilt())
const out = join(docsRoot, 'test-artifacts')
mkdirSync(out, { recursive: true })
{
  await using server = await serveStatic(distRoot)
  await using browser = await launchChromium()
  await using context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  for (const path of paths.length > 0 ? paths : ['/']) {
    await page.goto(server.url + path, { waitUntil: 'networkidle' })
    const name = path === '/' ? 'home' : path.replace(/^\/|\.html$|\/$/g, '').replace(/[/#?]+/g, '-')
    const file = join(out, `screenshot-${name}.png`)
    await page.screenshot({ path: file, fullPage: true })
    console.log(`saved ${file}`)
  }
}
