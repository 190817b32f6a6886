import { mkdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, type Message } from '@await-mqtt/core'
import {
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import { describe, expect, it, onTestFinished } from 'vitest'
import { bundleForBrowser } from './support/browser-bundle.js'
import { chromiumAvailable, chromiumSkipReason, launchChromium } from './support/chromium.js'
import { docsRoot } from './support/site-build.js'
import { serveStatic } from './support/static-server.js'

const page = join(docsRoot, 'test', 'browser', 'page.ts')
const available = chromiumAvailable()

const html = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>await-mqtt in a browser</title>
  <style>body { font: 15px system-ui, sans-serif; margin: 2rem } li { margin: .3rem 0 }</style></head>
  <body data-state="loading">
    <h1>@await-mqtt/core in a browser</h1>
    <ol id="log"></ol>
    <script type="module" src="./page.js"></script>
  </body>
</html>
`

/** Resolves with the first message of `messages`. */
async function first(messages: AsyncIterable<Message>): Promise<Message> {
  for await (const message of messages) return message
  throw new Error('the stream ended before a message arrived')
}

describe('the core bundled for the browser', () => {
  it('reaches no Node built-in from its entry point', async () => {
    const bundle = await bundleForBrowser(page)
    expect(bundle.nodeBuiltins).toEqual([])
    expect(bundle.inputs.some((input) => input.includes('mqtt/dist/mqtt.esm.js'))).toBe(true) // MQTT.js's browser build
    expect(bundle.inputs.some((input) => input.includes('packages/core/src/client.ts'))).toBe(true)
  })
})

/** A broker with a TCP URL for Node and a WebSocket URL for the page. */
interface Broker extends AsyncDisposable {
  url: string
  wsUrl: string | undefined
}

/**
 * Loads the page against `broker`: it connects over ws:// and subscribes; Node publishes to it, and
 * it answers. Returns the page's log.
 */
async function roundTrip(broker: Broker, name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'await-mqtt-browser-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const bundle = await bundleForBrowser(page)
  await writeFile(join(dir, 'page.js'), bundle.code)
  await writeFile(join(dir, 'index.html'), html)

  await using server = await serveStatic(dir)
  await using node = await Client.connect(broker.url, { clientId: 'await-mqtt-node-side' })
  const base = uniqueTopic('browser')
  const inbox = `${base}/to-browser`
  const outbox = `${base}/from-browser`
  await using replies = await node.subscribe(outbox, { qos: 1 })
  const reply = first(replies)

  await using browser = await launchChromium()
  await using context = await browser.newContext({ viewport: { width: 900, height: 420 } })
  const tab = await context.newPage()
  const problems: string[] = []
  tab.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  const query = new URLSearchParams({ broker: broker.wsUrl as string, inbox, outbox })
  await tab.goto(`${server.url}/?${query}`)
  await tab.waitForSelector('body[data-state="subscribed"], body[data-state="failed"]')
  expect((await tab.locator('#log').textContent()) ?? '').toContain(`subscribed to ${inbox}`)

  await node.publish(inbox, 'hello from Node', { qos: 1 })
  const answer = await reply
  expect(answer.topic.value).toBe(outbox)
  expect(answer.text()).toBe('browser got: hello from Node')
  await tab.waitForSelector('body[data-state="done"], body[data-state="failed"]')
  const log = (await tab.locator('#log').textContent()) ?? ''
  expect(await tab.getAttribute('body', 'data-state'), log).toBe('done')

  mkdirSync(join(docsRoot, 'test-artifacts'), { recursive: true })
  await tab.screenshot({ path: join(docsRoot, 'test-artifacts', `browser-client-${name}.png`) })
  expect(problems).toEqual([])
  return log
}

describe.skipIf(!available)(`the core in headless chromium ${available ? '' : chromiumSkipReason}`, () => {
  it('connects over ws:// to aedes, receives a message published from Node and publishes one back', async () => {
    await using broker = await startAedes()
    const log = await roundTrip(broker, 'aedes')
    expect(log).toContain('with MQTT 3.1.1') // aedes refuses MQTT 5: the client fell back
  })

  describe.skipIf(!mosquittoAvailable())(
    `on mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
    () => {
      it("does the same with MQTT 5 over mosquitto's WebSocket listener", async () => {
        await using broker = await startMosquitto({ websocket: true })
        const log = await roundTrip(broker, 'mosquitto')
        expect(log).toContain('with MQTT 5')
      })
    },
  )
})
