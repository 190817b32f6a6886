import { existsSync } from 'node:fs'
import { withClient } from '@await-mqtt/core'
import { startAedes, uniqueTopic } from '@await-mqtt/test-utils'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { startDashboard } from '../src/dashboard.js'

const chromiumPath = '/usr/bin/chromium'
const required = process.env.CI === 'true' || process.env.REQUIRE_MOSQUITTO === '1'
const available = existsSync(chromiumPath)
if (!available && required) throw new Error(`${chromiumPath} is missing (apt-get install chromium)`)
const skipReason = `skipped: ${chromiumPath} is not installed (apt-get install chromium)`

describe.skipIf(!available)(`the dashboard page in headless chromium ${available ? '' : skipReason}`, () => {
  it("shows each topic's latest value as messages arrive over EventSource", async () => {
    await using broker = await startAedes({ websocket: false })
    const prefix = uniqueTopic('dashboard')
    await using dashboard = await startDashboard({ url: broker.url, prefix })
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    })
    try {
      const page = await browser.newPage()
      await page.goto(`${dashboard.url}/`)
      await page.locator('#status.live').waitFor()
      expect(await page.textContent('#status')).toBe(`live: subscribed to ${prefix}/measurements/#`)

      await withClient(broker.url, async (sensor) => {
        await sensor.publish(`${prefix}/measurements/humidity`, 0.38)
        await sensor.publish(`${prefix}/measurements/temperature`, 28.3)
        await sensor.publish(`${prefix}/measurements/humidity`, 0.41)
      })
      const humidity = page.locator(`tr[data-topic="${prefix}/measurements/humidity"] td.value`)
      await expect.poll(() => humidity.textContent(), { timeout: 5000 }).toBe('0.41')
      const temperature = page.locator(`tr[data-topic="${prefix}/measurements/temperature"] td.value`)
      await expect.poll(() => temperature.textContent(), { timeout: 5000 }).toBe('28.3')
      expect(await page.locator('#readings tr').count()).toBe(2)
      await page.close() // the browser leaves: its SSE stream ends before the dashboard stops
    } finally {
      await browser.close()
    }
  }, 60_000)
})
