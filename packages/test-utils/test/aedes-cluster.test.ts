import { execFileSync } from 'node:child_process'
import mqtt from 'mqtt'
import { describe, expect, it, onTestFinished } from 'vitest'
import { redisAvailable, redisSkipReason, startAedesCluster, uniqueTopic } from '../src/index.js'

async function connect(url: string, options: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options })
  onTestFinished(() => client.endAsync(true))
  return client
}

function nextMessage(client: mqtt.MqttClient): Promise<string> {
  return new Promise((resolve) => client.once('message', (_topic, payload) => resolve(payload.toString())))
}

/** The processes whose command line contains `text` (this test's own ports make it unique). */
function processesWith(text: string): string[] {
  const listing = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
  return listing.split('\n').filter((line) => line.includes(text) && !line.includes('ps -eo'))
}

// Each node is a process of its own started through tsx: under a full parallel test run a cluster
// (and a restarted node) takes seconds to come up, more than the default 20 s allows for three.
describe.skipIf(!redisAvailable())(
  `startAedesCluster ${redisAvailable() ? '' : redisSkipReason}`,
  { timeout: 90_000 },
  () => {
    it('a message published on one node reaches a subscriber on another', async () => {
      await using cluster = await startAedesCluster({ nodes: 3 })
      expect(cluster.urls).toHaveLength(3)
      expect(new Set(cluster.urls).size).toBe(3)
      const topic = uniqueTopic('cluster')
      const subscriber = await connect(cluster.urls[0] ?? '')
      await subscriber.subscribeAsync(topic, { qos: 1 })
      const received = nextMessage(subscriber)
      const publisher = await connect(cluster.urls[2] ?? '')
      await publisher.publishAsync(topic, 'across nodes', { qos: 1 })
      expect(await received).toBe('across nodes')
    })

    it('keeps a persistent session in Redis: a node SIGKILLed, the client resumes on another', async () => {
      await using cluster = await startAedesCluster({ nodes: 2 })
      const [a = '', b = ''] = cluster.urls
      const topic = uniqueTopic('cluster/session')
      const clientId = topic.replaceAll('/', '-')
      const first = await connect(a, { clientId, clean: false })
      await first.subscribeAsync(topic, { qos: 1 })
      // Node b learns of the subscription through the Redis emitter, asynchronously (under load it
      // was too late for the message below). A message published through node a after SUBACK travels
      // the same emitter connection, after that news: once one reaches a client on b, b knows.
      const listener = await connect(b)
      const barrier = `${topic}/barrier`
      await listener.subscribeAsync(barrier, { qos: 1 })
      const crossed = nextMessage(listener)
      let waiting = true
      void crossed.then(() => {
        waiting = false
      })
      for (let attempt = 0; waiting && attempt < 100; attempt++) {
        await first.publishAsync(barrier, 'after the subscription', { qos: 1 })
        await Promise.race([crossed, new Promise((resolve) => setTimeout(resolve, 100))])
      }
      expect(await crossed).toBe('after the subscription')
      await cluster.kill(0)
      expect(cluster.nodes[0]?.running).toBe(false)
      await expect(mqtt.connectAsync(a, { reconnectPeriod: 0, connectTimeout: 500 })).rejects.toThrow()

      // The publisher subscribes too: once its own copy is back, node b has routed the message (it
      // goes out to Redis and comes back). A session resumed before that would get it live, *before
      // its CONNACK* (aedes restores the subscriptions first), and MQTT.js, holding its packet
      // reader until the PUBACK can be sent, then never reads the CONNACK.
      const publisher = await connect(b)
      await publisher.subscribeAsync(topic, { qos: 1 })
      const routed = nextMessage(publisher)
      await publisher.publishAsync(topic, 'while away', { qos: 1 })
      expect(await routed).toBe('while away')
      // The queued message may arrive in the same read as CONNACK: listen before connecting.
      const second = mqtt.connect(b, { clientId, clean: false, reconnectPeriod: 0, connectTimeout: 5000 })
      onTestFinished(() => second.endAsync(true))
      const whileAway = nextMessage(second)
      expect(second.options.clientId).toBe(clientId)
      expect(await whileAway).toBe('while away')

      await cluster.restart(0)
      const back = await connect(a)
      await back.publishAsync(topic, 'from the restarted node', { qos: 1 })
      expect(await nextMessage(second)).toBe('from the restarted node')
    })

    it('close() leaves no node and no redis-server running', async () => {
      const cluster = await startAedesCluster({ nodes: 2 })
      const marks = [String(cluster.redis.port), ...cluster.nodes.map((node) => String(node.port))]
      expect(marks.flatMap(processesWith).length).toBeGreaterThanOrEqual(3)
      await cluster.close()
      await cluster.close()
      expect(marks.flatMap(processesWith)).toEqual([])
    })
  },
)
