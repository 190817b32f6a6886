/**
 * Beyond the seed: an MQTT → Server-Sent Events dashboard.
 *
 * A Hono app on `@hono/node-server` serves a static HTML page (`dashboard.html`) whose script opens
 * `new EventSource('events')`; the `/events` route bridges `<prefix>/measurements/#` to SSE with
 * `mqttSSE` from `@await-mqtt/hono`. The demo fetches the page, then reads `/events` the way the
 * page's EventSource does while a sensor publishes. `--forever` keeps it up (and the sensor
 * publishing) so you can open the page in a browser.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { withClient } from '@await-mqtt/core'
import { createMqttLifespan, type MqttEnv, type MqttLifespan, mqtt, mqttSSE } from '@await-mqtt/hono'
import { type MqttServer, serveWithMqtt } from '@await-mqtt/hono/node-server'
import { Hono } from 'hono'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'
import { serverSentEvents } from './support/sse.js'

/** The app: the page, and the SSE bridge it listens to. */
function dashboardApp(lifespan: MqttLifespan, page: string, filter: string) {
  return new Hono<MqttEnv>()
    .use(mqtt(lifespan))
    .get('/', (c) => c.html(page))
    .get('/events', (c) => mqttSSE(c, filter))
}

/**
 * Connects to the broker, then serves the dashboard on 127.0.0.1 (a free port unless given).
 * @example
 * await using dashboard = await startDashboard({ url: 'mqtt://localhost', prefix: 'demo' })
 */
export async function startDashboard({
  url,
  prefix = 'demo',
  port = 0,
}: {
  url: string
  prefix?: string
  port?: number
}) {
  const page = await readFile(new URL('./dashboard.html', import.meta.url), 'utf8')
  const lifespan = createMqttLifespan({ url, closeTimeout: 5000 })
  const app = dashboardApp(lifespan, page, `${prefix}/measurements/#`)
  return serveWithMqtt(app, lifespan, { port, hostname: '127.0.0.1' })
}

/** Demo only: a sensor publishing readings, `count` of them or until `signal` aborts. */
async function sensor(url: string, prefix: string, count: number, signal?: AbortSignal) {
  const readings = [
    ['humidity', 0.38],
    ['temperature', 28.3],
    ['pressure', 1013],
  ] as const
  await withClient(url, async (client) => {
    for (let i = 0; i < count && !signal?.aborted; i++) {
      const [name, value] = readings[i % readings.length] ?? readings[0]
      const jitter = i < readings.length ? 0 : Math.round(Math.random() * 10) / 100
      await client.publish(`${prefix}/measurements/${name}`, Number((value + jitter).toFixed(2)))
      if (i >= readings.length - 1 && i + 1 < count) await sleep(1000, undefined, { signal }).catch(() => {})
    }
  })
}

export async function main({
  url,
  log,
  signal,
  forever = false,
  prefix = 'demo',
}: ExampleContext): Promise<void> {
  await using server: MqttServer = await startDashboard({ url, prefix })
  log(`dashboard on ${server.url}/`)

  const page = await (await fetch(`${server.url}/`, { signal })).text()
  const title = /<title>(.*)<\/title>/.exec(page)?.[1]
  const source = /new EventSource\('([^']+)'\)/.exec(page)?.[1]
  log(`GET / → ${page.length} bytes of HTML, "${title}", its script opens new EventSource('${source}')`)

  const response = await fetch(`${server.url}/${source}`, {
    signal,
    headers: { accept: 'text/event-stream' },
  })
  if (response.body === null) throw new Error(`no event stream (HTTP ${response.status})`)
  log(`GET /${source} → ${response.status} ${response.headers.get('content-type')}`)
  let publishing: Promise<void> | undefined
  let received = 0
  for await (const { event, data } of serverSentEvents(response.body)) {
    if (event === 'subscribed') {
      log(`event "subscribed": ${data}`)
      publishing = sensor(url, prefix, forever ? Number.POSITIVE_INFINITY : 3, signal)
      if (forever) log(`open ${server.url}/ in a browser; Ctrl-C to stop`)
    } else {
      const { topic, payload } = JSON.parse(data) as { topic: string; payload: string }
      log(`event "${event}": the page shows ${topic} = ${payload}`)
      if (++received === 3 && !forever) break
    }
  }
  await publishing
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
