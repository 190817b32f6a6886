import type { BenchBroker } from './broker.js'
import { benchTopic } from './broker.js'
import { connectAsyncMqtt, connectMqttJs, connectOurs, endAsyncMqtt, endMqttJs } from './clients.js'
import type { BenchConfig } from './config.js'
import { cliAvailable, cliSkipReason, publishLines } from './limit.js'
import type { Contender, Group, Sample } from './measure.js'
import { timed } from './measure.js'
import { pumpCallbacks, pumpPromises } from './pump.js'

interface PublishShape {
  qos: 0 | 1 | 2
  /** Publishes unfinished at once: 1 = await each one. */
  window: number
  payloadSize: number
  /** Also run mosquitto_pub (C) on the same broker. */
  limit: boolean
  /** Run the baseline a second time in every round: its ratio to itself shows the noise. */
  control?: boolean
}

function rate(size: number, seconds: number, cpuMicros?: number): Sample {
  const sample: Sample = { value: size / seconds }
  if (cpuMicros !== undefined) sample.cpuMicrosPerMessage = cpuMicros / size
  return sample
}

/**
 * How many messages mosquitto_pub sends per run: more than the others (up to 5x, 100,000 or
 * 100 MiB), so that its fixed ~200 ms (start, connect, and an idle wait at the end of its input)
 * is a small part of the time it takes. Rates are per message, so they stay comparable.
 */
function limitCount(size: number, payloadSize: number): number {
  const cap = Math.min(5 * size, 100_000, Math.floor((100 * 1024 * 1024) / (payloadSize + 1)))
  return Math.max(size, cap)
}

/** The publishing contenders: same broker, topic shape, payload bytes and flow control for each. */
export function publishContenders(broker: BenchBroker, shape: PublishShape): Contender[] {
  const { qos, window, payloadSize } = shape
  const payload = Buffer.alloc(payloadSize, 'x')
  const rawCallbacks = (name: string): Contender => ({
    name,
    async run(size) {
      const client = await connectMqttJs(broker.url)
      const topic = benchTopic('publish')
      try {
        const { seconds, cpuMicros } = await timed(() =>
          pumpCallbacks(size, window, (done) => client.publish(topic, payload, { qos }, done)),
        )
        return rate(size, seconds, cpuMicros)
      } finally {
        await endMqttJs(client)
      }
    },
  })
  const contenders: Contender[] = [
    { ...rawCallbacks('MQTT.js publish(cb)'), baseline: true },
    {
      name: 'MQTT.js publishAsync',
      async run(size) {
        const client = await connectMqttJs(broker.url)
        const topic = benchTopic('publish')
        try {
          const { seconds, cpuMicros } = await timed(() =>
            pumpPromises(size, window, () => client.publishAsync(topic, payload, { qos })),
          )
          return rate(size, seconds, cpuMicros)
        } finally {
          await endMqttJs(client)
        }
      },
    },
    {
      name: 'await-mqtt publish',
      async run(size) {
        const client = await connectOurs(broker.url)
        const topic = benchTopic('publish')
        try {
          const { seconds, cpuMicros } = await timed(() =>
            pumpPromises(size, window, () => client.publish(topic, payload, { qos })),
          )
          return rate(size, seconds, cpuMicros)
        } finally {
          await client.close()
        }
      },
    },
    {
      name: 'async-mqtt publish',
      rival: true,
      async run(size) {
        const client = await connectAsyncMqtt(broker.url)
        const topic = benchTopic('publish')
        try {
          const { seconds, cpuMicros } = await timed(() =>
            pumpPromises(size, window, () => client.publish(topic, payload, { qos })),
          )
          return rate(size, seconds, cpuMicros)
        } finally {
          await endAsyncMqtt(client)
        }
      },
    },
  ]
  if (shape.control)
    contenders.push({ ...rawCallbacks('MQTT.js publish(cb) again (noise control)'), control: true })
  if (shape.limit) {
    const limit: Contender = {
      name: 'mosquitto_pub (C)',
      external: true,
      async run(size) {
        const count = limitCount(size, payloadSize)
        const file = broker.lines.get(count, payloadSize)
        const startup = await broker.publisherStartup()
        const topic = benchTopic('publish')
        const inflight = qos === 0 ? undefined : window
        const { host, port } = broker
        const seconds = await publishLines({ host, port, topic, file, qos, inflight })
        const counted = `${count.toLocaleString('en-US')} messages`
        if (seconds - startup < 0.3 * seconds) {
          // Too short to take its fixed cost away reliably: the plain wall-time rate, a lower bound.
          return { value: count / seconds, note: `${counted}, wall time incl. its start-up (lower bound)` }
        }
        return {
          value: count / (seconds - startup),
          note: `${counted}, wall time − its start-up (${(startup * 1000).toFixed(0)} ms)`,
        }
      },
    }
    if (!cliAvailable) limit.skip = cliSkipReason
    contenders.push(limit)
  }
  return contenders
}

/** The contenders of one shape, and how a worker thread builds them again. */
function publishRecipe(broker: BenchBroker, shape: PublishShape): Pick<Group, 'contenders' | 'recipe'> {
  return {
    contenders: publishContenders(broker, shape),
    recipe: { module: import.meta.url, factory: 'publishContenders', args: [shape] },
  }
}

/** (a) QoS 0 publish rate, one group per payload size. */
export function publishGroups(broker: BenchBroker, config: BenchConfig): Group[] {
  return config.sizes.map((payloadSize) => ({
    broker: broker.name,
    scenario: `publish QoS 0, ${payloadSize} B`,
    carriesTargets: true,
    unit: 'msg/s',
    higherIsBetter: true,
    size: config.publishMessages,
    warmupSize: Math.min(config.publishMessages, 20_000),
    ...publishRecipe(broker, { qos: 0, window: 1, payloadSize, limit: true, control: true }),
  }))
}

/** (c) QoS 1 and 2 round trips: one awaited at a time, then `inflight` at once. */
export function qosGroups(broker: BenchBroker, config: BenchConfig): Group[] {
  const groups: Group[] = []
  for (const window of [1, config.inflight]) {
    for (const qos of [1, 2] as const) {
      const size = window === 1 ? config.qosSequential : config.qosPipelined
      groups.push({
        broker: broker.name,
        scenario: window === 1 ? `QoS ${qos}, one at a time` : `QoS ${qos}, ${window} in flight`,
        unit: 'msg/s',
        higherIsBetter: true,
        size,
        warmupSize: size,
        ...publishRecipe(broker, { qos, window, payloadSize: 64, limit: window > 1 }),
      })
    }
  }
  return groups
}
