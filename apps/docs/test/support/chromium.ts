import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Debian's chromium package. */
export const chromiumPath = '/usr/bin/chromium'

/** Whether the browser tests must run (CI, or a machine set up like CI): then a missing browser fails. */
export const browserRequired = process.env.CI === 'true' || process.env.REQUIRE_MOSQUITTO === '1'

/** The reason printed in the names of tests skipped for want of chromium. */
export const chromiumSkipReason =
  'skipped: /usr/bin/chromium is not installed (apt-get install chromium; CI=true or REQUIRE_MOSQUITTO=1 makes this an error)'

/** Whether the browser tests can run; throws when they must and cannot. */
export function chromiumAvailable(): boolean {
  const found = existsSync(chromiumPath)
  if (!found && browserRequired) {
    throw new Error(
      `${chromiumPath} is missing but the browser tests are required here (apt-get install chromium)`,
    )
  }
  return found
}

/**
 * Starts headless chromium with nothing that calls home; `await using` closes it.
 * @example
 * await using browser = await launchChromium()
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}
