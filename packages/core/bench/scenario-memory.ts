import { setTimeout as sleep } from 'node:timers/promises'
import type { MessageStream, Subscription } from '@await-mqtt/core'
import type { BenchBroker } from './broker.js'
import { benchTopic, sendMessages } from './broker.js'
import { connectAsyncMqtt, connectMqttJs, connectOurs, endAsyncMqtt, endMqttJs } from './clients.js'
import type { BenchConfig } from './config.js'
import { type Contender, collectGarbage, type Group } from './measure.js'
import { pumpCallbacks, pumpPromises } from './pump.js'

const per = 10_000
/** SUBSCRIBE calls in flight at once, for every contender. */
const window = 500
/** Heap figures barely move from round to round: five rounds are plenty. */
const memoryRounds = 5

/** JS heap plus memory outside it (Buffers: received payloads live there), after full collections. */
function memoryNow(): { heap: number; rss: number } {
  collectGarbage()
  collectGarbage()
  const { heapUsed, external, rss } = process.memoryUsage()
  return { heap: heapUsed + external, rss }
}

/** {@link memoryNow} once what earlier runs left (closing sockets, timers, finalizers) is gone. */
async function settledMemory(): Promise<{ heap: number; rss: number }> {
  for (let pass = 0; pass < 3; pass++) {
    collectGarbage()
    await sleep(20)
  }
  return memoryNow()
}

/** A client that can take on subscriptions (or streams), for the weighing. */
interface Holder {
  /** Subscribes to (or opens streams for) `filters`; returns what keeps them alive. */
  hold(filters: readonly string[]): Promise<unknown>
  close(): Promise<void>
}

/**
 * Weighs what `holder` keeps alive for `count` filters, per 10,000. It first does the same on 20
 * other filters, so what a library allocates once (lazily) is not counted.
 */
function weighing(name: string, open: () => Promise<Holder>, baseline = false): Contender {
  return {
    name,
    baseline,
    async run(count) {
      const holder = await open()
      try {
        const warm = await holder.hold(filters(20))
        const before = await settledMemory()
        const held = await holder.hold(filters(count))
        const after = await settledMemory()
        if (held === undefined || warm === undefined) throw new Error('nothing held')
        const scale = per / count
        return {
          value: (after.heap - before.heap) * scale,
          extra: { rssBytes: (after.rss - before.rss) * scale },
        }
      } finally {
        await holder.close()
      }
    },
  }
}

function filters(count: number): string[] {
  const base = benchTopic('memory')
  return Array.from({ length: count }, (_, index) => `${base}/${index}/+/temperature`)
}

/** (e) heap per 10,000 subscriptions, and heap under a slow consumer. */
export function memoryGroups(broker: BenchBroker, config: BenchConfig): Group[] {
  const subscriptions: Contender[] = [
    weighing(
      'MQTT.js subscribe() ×N',
      async () => {
        const client = await connectMqttJs(broker.url)
        return {
          async hold(list) {
            let index = 0
            await pumpCallbacks(list.length, window, (done) =>
              client.subscribe(list[index++] as string, { qos: 0 }, done),
            )
            return client
          },
          close: () => endMqttJs(client),
        }
      },
      true,
    ),
    weighing('await-mqtt subscribe() ×N (Subscription objects)', async () => {
      const client = await connectOurs(broker.url)
      return {
        async hold(list) {
          const held: Subscription[] = []
          let index = 0
          await pumpPromises(list.length, window, async () => {
            held.push(await client.subscribe(list[index++] as string))
          })
          return held
        },
        close: () => client.close(),
      }
    }),
    weighing('await-mqtt subscribe([N filters])', async () => {
      const client = await connectOurs(broker.url)
      return { hold: (list) => client.subscribe(list), close: () => client.close() }
    }),
    weighing('await-mqtt messages(filter) ×N (no broker traffic)', async () => {
      const client = await connectOurs(broker.url)
      return {
        hold: async (list) => list.map((filter) => client.messages(filter)),
        close: () => client.close(),
      }
    }),
    {
      ...weighing('async-mqtt subscribe() ×N', async () => {
        const client = await connectAsyncMqtt(broker.url)
        return {
          async hold(list) {
            let index = 0
            await pumpPromises(list.length, window, () =>
              client.subscribe(list[index++] as string, { qos: 0 }),
            )
            return client
          },
          close: () => endAsyncMqtt(client),
        }
      }),
      rival: true,
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
      maxRounds: memoryRounds,
      contenders: subscriptions,
    },
    {
      broker: broker.name,
      scenario: `memory: slow consumer, fast publisher (1 KiB messages): peak heap incl. Buffers`,
      unit: 'bytes',
      higherIsBetter: false,
      size: config.slowMessages,
      warmupSize: Math.min(config.slowMessages, 1_000),
      maxRounds: memoryRounds,
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
        const before = await settledMemory()
        const maxQueued = setup === 'unbounded' ? Number.POSITIVE_INFINITY : config.slowMaxQueued
        let stream: MessageStream | undefined
        let source: AsyncIterable<unknown> & { readonly dropped: number }
        if (setup === 'stream') {
          source = stream = client.messages(topic, { maxQueued })
          await client.subscribe(topic) // the quick start's shape: the Subscription is not kept
        } else source = await client.subscribe(topic, { maxQueued })
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
          const now = memoryNow()
          peak = { heap: Math.max(peak.heap, now.heap), rss: Math.max(peak.rss, now.rss) }
        }
        const sampler = setInterval(sample, 100)
        await sendMessages(broker, topic, size, 1024)
        await sleep(500) // what the broker still had for us arrives; the consumer goes on
        sample()
        clearInterval(sampler)
        stop = true
        stream?.close()
        await client.unsubscribe(topic)
        await reading
        const dropped = source.dropped
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
