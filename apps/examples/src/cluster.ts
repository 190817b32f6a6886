/**
 * Beyond the seed: a cluster losing a node.
 *
 * `Client.connect` takes every node's address; with `reconnect` on and a persistent session the
 * client moves to the next node when its own dies, and the session (its subscription and the
 * QoS 1 messages queued meanwhile) comes with it. The demo starts three aedes nodes sharing state
 * through Redis when Debian's `redis-server` is installed, SIGKILLs the node the client is on, and
 * shows a message published during the outage arriving through the next node. Without redis it
 * says how to install it.
 * @module
 */
import { Client } from '@await-mqtt/core'
import { redisAvailable, startAedesCluster } from '@await-mqtt/test-utils'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'

export async function main({ log, prefix = 'demo' }: ExampleContext): Promise<void> {
  if (!redisAvailable()) {
    log('cluster: skipped, redis-server is not installed (apt-get install redis-server)')
    return
  }
  const topic = `${prefix}/cluster/orders`
  await using cluster = await startAedesCluster({ nodes: 3 })
  log(`three aedes nodes sharing state through Redis: ${cluster.urls.join(', ')}`)

  await using client = await Client.connect(cluster.urls, {
    clientId: `${prefix}-cluster-demo`,
    clean: false,
    reconnect: { minDelay: 50, maxDelay: 500 },
  })
  await using events = client.events()
  await using subscription = await client.subscribe(topic, { qos: 1 })
  const messages = subscription[Symbol.asyncIterator]()
  log(`connected to ${client.server}`)

  await using publisher = await Client.connect(cluster.urls[2] ?? '')
  await cluster.kill(0)
  log('node 0 killed with SIGKILL')
  await publisher.publish(topic, 'order #1 (published while the client was moving)', { qos: 1 })

  for await (const event of events) {
    if (event.type === 'connected') {
      log(`moved to ${event.server}, session present: ${event.sessionPresent}`)
      break
    }
  }
  const received = await messages.next()
  log(`received: ${received.value?.text()}`)
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
