import { setTimeout as sleep } from 'node:timers/promises'
import type { MessageStream, Subscription } from '@await-mqtt/core'
import type { BenchBroker } from './broker.js'
import { benchTopic, sendMessages } from './broker.js'
import { connectAsyncMqtt, connectMqttJs, connectOurs, endAsyncMqtt, endMqttJs } from './clients.js'
import type { BenchConfig } from './config.js'
import { type Contender, collectGarbage, type Group, type Sample } from './measure.js'
import { pumpCallbacks, pumpPromises } from './pump.js'

const per = 10_000
/** SUBSCRIBE calls in flight at once, for every contender. */
const window = 500

/** JS heap plus memory outside it (Buffers: received payloads live there), after full collections. */
function settledMemory(): { heap: number; rss: number } {
  collectGarbage()
  collectGarbage()
  const { heapUsed, external, rss } = process.memoryUsage()
  return { heap: heapUsed + external, rss }
}

/** Weighs what `hold` keeps alive, per 10,000 subscriptions. */
async function weigh(count: number, hold: () => Promise<unknown>): Promise<Sample> {
  const before = settledMemory()
  const held = await hold()
  const after = settledMemory()
  if (held === undefined) throw new Error('nothing held')
  const scale = per / count
  return {
    value: (after.heap - before.heap) * scale,
    extra: { rssBytes: (after.rss - before.rss) * scale },
  }
}

function filters(count: number): string[] {
  const base = benchTopic('memory')
  return Array.from({ length: count }, (_, index) => `${base}/${index}/+/temperature`)
}

/** (e) heap per 10,000 subscriptions, and heap under a slow consumer. */
export function memoryGroups(broker: BenchBroker, config: BenchConfig): Group[] {
  const subscriptions: Contender[] = [
    {
      name: 'MQTT.js subscribe() ×N',
      baseline: true,
      async run(count) {
        const client = await connectMqttJs(broker.url)
        try {
          const list = filters(count)
          let index = 0
          return await weigh(count, async () => {
            await pumpCallbacks(count, window, (done) =>
              client.subscribe(list[index++] as string, { qos: 0 }, done),
            )
            return client
          })
        } finally {
          await endMqttJs(client)
        }
      },
    },
    {
      name: 'await-mqtt subscribe() ×N (Subscription objects)',
      async run(count) {
        const client = await connectOurs(broker.url)
        try {
          const list = filters(count)
          let index = 0
          return await weigh(count, async () => {
            const held: Subscription[] = []
            await pumpPromises(count, window, async () => {
              held.push(await client.subscribe(list[index++] as string))
            })
            return held
          })
        } finally {
          await client.close()
        }
      },
    },
    {
      name: 'await-mqtt subscribe([N filters])',
      async run(count) {
        const client = await connectOurs(broker.url)
        try {
          const list = filters(count)
          return await weigh(count, () => client.subscribe(list))
        } finally {
          await client.close()
        }
      },
    },
    {
      name: 'await-mqtt messages(filter) ×N (no broker traffic)',
      async run(count) {
        const client = await connectOurs(broker.url)
        try {
          const list = filters(count)
          return await weigh(count, async () => list.map((filter) => client.messages(filter)))
        } finally {
          await client.close()
        }
      },
    },
    {
      name: 'async-mqtt subscribe() ×N',
      async run(count) {
        const client = await connectAsyncMqtt(broker.url)
        try {
          const list = filters(count)
          let index = 0
          return await weigh(count, async () => {
            await pumpPromises(count, window, () => client.subscribe(list[index++] as string, { qos: 0 }))
            return client
          })
        } finally {
          await endAsyncMqtt(client)
        }
      },
    },
  ]
  return [
    {
      broker: broker.name,
      scenario: `memory: heap incl. Buffers, per ${per.toLocaleString('en-US')} subscriptions`,
      unit: 'bytes',
      higherIsBetter: false,
      size: config.memorySubscriptions,
      warmupSize: Math.min(config.memorySubscriptions, 1_000),
      contenders: subscriptions,
    },
    {
      broker: broker.name,
      scenario: `memory: slow consumer, fast publisher (1 KiB messages): peak heap incl. Buffers`,
      unit: 'bytes',
      higherIsBetter: false,
      size: config.slowMessages,
      warmupSize: Math.min(config.slowMessages, 1_000),
      contenders: [
        slowConsumer(broker, config, 'await-mqtt Subscription, maxQueued 100', true, 'subscription'),
        slowConsumer(broker, config, 'await-mqtt messages(maxQueued 100) + subscribe()', false, 'stream'),
        slowConsumer(broker, config, 'await-mqtt Subscription, unbounded', false, 'unbounded'),
      ],
    },
  ]
}

type SlowSetup = 'subscription' | 'stream' | 'unbounded'

/**
 * A publisher (mosquitto_pub) sends `size` 1 KiB messages as fast as it can; the consumer takes one
 * per millisecond. Heap is sampled after a full GC every 100 ms, until 500 ms after the publisher
 * finished; the peak growth counts.
 */
function slowConsumer(
  broker: BenchBroker,
  config: BenchConfig,
  name: string,
  baseline: boolean,
  setup: SlowSetup,
): Contender {
  return {
    name,
    baseline,
    async run(size) {
      const client = await connectOurs(broker.url)
      const topic = benchTopic('slow')
      try {
        const before = settledMemory()
        const maxQueued = setup === 'unbounded' ? Number.POSITIVE_INFINITY : config.slowMaxQueued
        let stream: MessageStream | undefined
        if (setup === 'stream') stream = client.messages(topic, { maxQueued })
        const subscription = await client.subscribe(topic, setup === 'stream' ? {} : { maxQueued })
        const source: AsyncIterable<unknown> = stream ?? subscription
        let consumed = 0
        let stop = false
        const reading = (async () => {
          for await (const _message of source) {
            consumed++
            if (stop) break
            await sleep(1)
          }
        })()
        let peak = before
        const sample = () => {
          const now = settledMemory()
          peak = { heap: Math.max(peak.heap, now.heap), rss: Math.max(peak.rss, now.rss) }
        }
        const sampler = setInterval(sample, 100)
        await sendMessages(broker, topic, size, 1024)
        await sleep(500) // what the broker still had for us arrives; the consumer goes on
        sample()
        clearInterval(sampler)
        stop = true
        stream?.close()
        await subscription.unsubscribe()
        await reading
        const dropped = (stream ?? subscription).dropped
        return {
          value: peak.heap - before.heap,
          extra: { rssPeakGrowth: peak.rss - before.rss, consumed, dropped },
          note: `${size.toLocaleString('en-US')} messages published, consumer 1 per ms`,
        }
      } finally {
        await client.close()
      }
    },
  }
}
