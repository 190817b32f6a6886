/**
 * Seed: "Proxying".
 *
 * The seed's `ProxySettings` become `proxy: { type, host, port, username, password }`: `http`
 * (HTTP CONNECT), `socks5` or `socks4`. The proxy resolves the broker's host name (the seed's
 * `proxy_rdns=True`). The demo runs a tiny HTTP CONNECT proxy in-process, so it needs nothing
 * installed; with Debian's microsocks installed it also goes through SOCKS5.
 * @module
 */
import { Client, MqttConnectError, type ProxyOptions } from '@await-mqtt/core'
import { microsocksAvailable, startMicrosocks } from '@await-mqtt/test-utils'
import type { ExampleContext } from './support/context.js'
import { startHttpConnectProxy } from './support/http-connect-proxy.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

/** Connects through `proxy`, and shows one message making the round trip. */
async function roundTrip(url: string, proxy: ProxyOptions, topic: string): Promise<string> {
  await using client = await Client.connect(url, { proxy })
  await using subscription = await client.subscribe(topic)
  await client.publish(topic, 0.38, { qos: 1 })
  for await (const message of subscription) return `${message.topic.value} = ${message.text()}`
  throw new Error('the subscription ended without a message')
}

export async function main({ url, log, prefix = 'demo' }: ExampleContext): Promise<void> {
  const topic = `${prefix}/measurements/humidity`
  const credentials = { username: 'demo', password: 'proxy-secret' }

  await using httpProxy = await startHttpConnectProxy({ auth: credentials })
  const proxy: ProxyOptions = { type: 'http', host: httpProxy.host, port: httpProxy.port, ...credentials }
  log(`HTTP CONNECT proxy on ${proxy.host}:${proxy.port} (Basic auth)`)
  log(`through the HTTP proxy: ${await roundTrip(url, proxy, topic)}`)
  log(`the proxy tunnelled to: ${[...new Set(httpProxy.tunnels)].join(', ')}`)

  try {
    await using _ = await Client.connect(url, { proxy: { ...proxy, password: 'wrong' }, timeout: 5000 })
    throw new Error('the proxy let a wrong password through')
  } catch (error) {
    if (!(error instanceof MqttConnectError)) throw error
    log(`wrong proxy password: refused with MqttConnectError, failure '${error.failure}' (${error.message})`)
  }

  if (!microsocksAvailable()) {
    log('SOCKS5: skipped, microsocks is not installed (apt-get install microsocks)')
    return
  }
  await using socks = await startMicrosocks({ auth: credentials })
  const socksProxy: ProxyOptions = { type: 'socks5', host: socks.host, port: socks.port, ...credentials }
  log(
    `through microsocks (SOCKS5 on ${socks.host}:${socks.port}): ${await roundTrip(url, socksProxy, topic)}`,
  )
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
