import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client, type ConnectionEvent } from '@await-mqtt/core'
import {
  mosquittoAvailable,
  mosquittoSkipReason,
  startAedes,
  startMosquitto,
  uniqueTopic,
} from '@await-mqtt/test-utils'
import { serve } from '@hono/node-server'
import { describe, expect, it, onTestFinished } from 'vitest'
import { healthCheckedApp } from '../snippets/recipes/fastify-health.js'
import { publishingApp } from '../snippets/recipes/fastify-publish.js'
import { healthCheckedHono } from '../snippets/recipes/hono-health.js'
import { docsRoot } from './support/site-build.js'

const repoRoot = join(docsRoot, '..', '..')
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')

/** The lines between `// #region name` and `// #endregion name` of a snippet, unindented. */
function region(path: string, name: string): string {
  const text = read(path)
  const match = new RegExp(`// #region ${name}\\n([\\s\\S]*?)\\n\\s*// #endregion ${name}`).exec(text)
  if (match?.[1] === undefined) throw new Error(`no region ${name} in ${path}`)
  const lines = match[1].split('\n')
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.search(/\S/)))
  return lines.map((line) => line.slice(indent)).join('\n')
}

/** Resolves at the next connection event of `type`. */
async function until(events: AsyncIterator<ConnectionEvent>, type: ConnectionEvent['type']): Promise<void> {
  for (;;) {
    const { done, value } = await events.next()
    if (done) throw new Error(`the events ended before ${type}`)
    if (value.type === type) return
  }
}

const onMosquitto = describe.skipIf(!mosquittoAvailable())

describe('the READMEs show the recipes as the tests run them', () => {
  it.for<[string, string, string]>([
    ['packages/fastify-plugin/README.md', 'apps/docs/snippets/recipes/fastify-health.ts', 'health'],
    ['packages/fastify-plugin/README.md', 'apps/docs/snippets/recipes/fastify-publish.ts', 'publish'],
    ['packages/hono-middleware/README.md', 'apps/docs/snippets/recipes/hono-health.ts', 'health'],
  ])('%s shows %s#%s', ([readme, snippet, name]) => {
    expect(read(readme)).toContain(region(snippet, name))
  })
})

onMosquitto(
  `the Fastify health recipe on mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    it('answers 503 only on /health and only while the broker is away; other routes 200 from the first request', async () => {
      await using mosquitto = await startMosquitto({ websocket: false })
      const app = await healthCheckedApp(mosquitto.url)
      onTestFinished(() => app.close())
      await app.listen({ port: 0, host: '127.0.0.1' })
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
      const status = async (path: string) => (await fetch(base + path)).status

      // the first requests after start, well within any healthCheckInterval
      expect(await status('/rooms')).toBe(200)
      expect(await status('/health')).toBe(200)

      const events = app.mqtt.client.events()
      onTestFinished(async () => {
        await events[Symbol.asyncDispose]()
      })
      await mosquitto.stop()
      await until(events, 'reconnecting')
      expect(await status('/health')).toBe(503)
      expect(await status('/rooms')).toBe(200)

      await mosquitto.start()
      await until(events, 'connected')
      expect(await status('/health')).toBe(200)
      expect(await status('/rooms')).toBe(200)
    })
  },
)

describe('the Fastify publishing recipe on aedes', () => {
  it('publishes JSON bodies as JSON text and text bodies as they are', async () => {
    await using broker = await startAedes({ websocket: false })
    const app = await publishingApp(broker.url)
    onTestFinished(() => app.close())
    await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    await using listener = await Client.connect(broker.url)
    const room = uniqueTopic('room').replaceAll('/', '-')
    await using subscription = await listener.subscribe(`chat/${room}`)
    const received = subscription[Symbol.asyncIterator]()

    const json = await fetch(`${base}/rooms/${room}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'ada', text: 'hello' }),
    })
    expect(json.status).toBe(204)
    expect((await received.next()).value?.json()).toEqual({ from: 'ada', text: 'hello' })

    const text = await fetch(`${base}/rooms/${room}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'plain hello',
    })
    expect(text.status).toBe(204)
    expect((await received.next()).value?.text()).toBe('plain hello')
  })
})

onMosquitto(`the Hono health recipe on mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`, () => {
  it('answers 503 before start, while the broker is down and after stop; 200 while connected', async () => {
    await using mosquitto = await startMosquitto({ websocket: false })
    const { app, lifespan } = healthCheckedHono(mosquitto.url)
    onTestFinished(() => lifespan.stop())
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
    await new Promise((resolve) => server.once('listening', resolve))
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    const health = async () => {
      const response = await fetch(`${base}/health`)
      return { status: response.status, body: await response.json() }
    }

    expect(await health()).toEqual({ status: 503, body: { mqtt: 'idle' } })
    const client = await lifespan.start()
    expect(await health()).toEqual({ status: 200, body: { mqtt: 'connected' } })
    expect((await fetch(`${base}/rooms`)).status).toBe(200)

    const events = client.events()
    onTestFinished(async () => {
      await events[Symbol.asyncDispose]()
    })
    await mosquitto.stop()
    await until(events, 'reconnecting')
    expect(lifespan.state).toBe('running') // what the old recipe checked: it answered 200 here
    expect(await health()).toEqual({ status: 503, body: { mqtt: 'reconnecting' } })

    await mosquitto.start()
    await until(events, 'connected')
    expect(await health()).toEqual({ status: 200, body: { mqtt: 'connected' } })

    await lifespan.stop()
    expect(await health()).toEqual({ status: 503, body: { mqtt: 'stopped' } })
  })
})
