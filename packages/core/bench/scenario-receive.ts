import type { Message } from '@await-mqtt/core'
import type { BenchBroker } from './broker.js'
import { benchTopic } from './broker.js'
import { connectAsyncMqtt, connectMqttJs, connectOurs, endAsyncMqtt, endMqttJs } from './clients.js'
import type { BenchConfig } from './config.js'
import { cliAvailable, cliSkipReason, publishLines, subscribeLines } from './limit.js'
import type { Contender, Group } from './measure.js'
import { type Counter, receiveRun, sampleOf } from './receive-run.js'

const payloadSize = 64

/** Reads an async iterable until the counter is full (then leaves the loop, which closes a stream). */
function drain(source: AsyncIterable<Message>, counter: Counter): Promise<void> {
  return (async () => {
    for await (const _message of source) if (counter.tick()) break
  })()
}

/** Raw MQTT.js: one 'message' listener. `wildcard`: subscribe `base/#` and receive on `base/0/x`, as the fan-out does. */
function mqttJsReceiver(broker: BenchBroker, wildcard: boolean): Contender {
  return {
    name: 'MQTT.js message event',
    baseline: true,
    run: (size) =>
      receiveRun(broker, size, payloadSize, async (counter) => {
        const client = await connectMqttJs(broker.url)
        const base = benchTopic('receive')
        client.on('message', () => counter.tick())
        await client.subscribeAsync(wildcard ? `${base}/#` : base)
        return { topic: wildcard ? `${base}/0/x` : base, close: () => endMqttJs(client) }
      }),
  }
}

/** The receiving contenders (b). */
export function receiveContenders(broker: BenchBroker): Contender[] {
  return [
    mqttJsReceiver(broker, false),
    {
      name: 'await-mqtt messages() iterator',
      run: (size) =>
        receiveRun(broker, size, payloadSize, async (counter) => {
          const client = await connectOurs(broker.url)
          const topic = benchTopic('receive')
          const messages = client.messages()
          await client.subscribe(topic) // the quick start's shape: the Subscription is not kept
          const reading = drain(messages, counter)
          return {
            topic,
            note: () =>
              messages.dropped > 0 ? `messages() dropped ${messages.dropped} (maxQueued)` : undefined,
            close: async () => {
              messages.close()
              await reading
              await client.unsubscribe(topic)
              await client.close()
            },
          }
        }),
    },
    {
      name: 'await-mqtt Subscription iterator',
      run: (size) =>
        receiveRun(broker, size, payloadSize, async (counter) => {
          const client = await connectOurs(broker.url)
          const topic = benchTopic('receive')
          const subscription = await client.subscribe(topic)
          const reading = drain(subscription, counter)
          return {
            topic,
            note: () =>
              subscription.dropped > 0 ? `dropped ${subscription.dropped} (maxQueued)` : undefined,
            close: async () => {
              await subscription.unsubscribe()
              await reading
              await client.close()
            },
          }
        }),
    },
    {
      name: 'async-mqtt message event',
      rival: true,
      run: (size) =>
        receiveRun(broker, size, payloadSize, async (counter) => {
          const client = await connectAsyncMqtt(broker.url)
          const topic = benchTopic('receive')
          client.on('message', () => counter.tick())
          await client.subscribe(topic)
          return { topic, close: () => endAsyncMqtt(client) }
        }),
    },
    {
      name: 'mosquitto_sub (C)',
      external: true,
      skip: cliAvailable ? undefined : cliSkipReason,
      async run(size) {
        const topic = benchTopic('receive')
        const ready = `${topic}/ready`
        await broker.helper.publishAsync(ready, 'ready', { qos: 1, retain: true })
        const subscriber = subscribeLines(broker.host, broker.port, topic, ready, size)
        try {
          await subscriber.ready
          const file = broker.lines.get(size, payloadSize)
          await publishLines({ host: broker.host, port: broker.port, topic, file })
          let timer: NodeJS.Timeout | undefined
          const exitedAt = await Promise.race([
            subscriber.exited,
            new Promise<number>((resolve) => {
              timer = setTimeout(() => {
                subscriber.kill()
                resolve(performance.now())
              }, 30_000)
            }),
          ])
          clearTimeout(timer)
          const counter = {
            count: subscriber.count,
            total: size,
            firstAt: subscriber.firstAt,
            lastAt: exitedAt,
          }
          return sampleOf(counter as Counter, undefined, 'until it exits after the last message')
        } finally {
          subscriber.kill()
          await broker.helper.publishAsync(ready, '', { qos: 1, retain: true })
        }
      },
    },
  ]
}

/** (b) publish -> receive through one iterator, against MQTT.js and async-mqtt events and mosquitto_sub. */
export function receiveGroups(broker: BenchBroker, config: BenchConfig): Group[] {
  return [
    {
      broker: broker.name,
      scenario: `receive QoS 0, ${payloadSize} B`,
      carriesTargets: true,
      unit: 'msg/s',
      higherIsBetter: true,
      size: config.receiveMessages,
      warmupSize: Math.min(config.receiveMessages, 5_000),
      contenders: receiveContenders(broker),
      recipe: { module: import.meta.url, factory: 'receiveContenders', args: [] },
    },
  ]
}

/** The fan-out contenders (d): raw MQTT.js, and one client with each count of filtered streams. */
export function fanoutContenders(broker: BenchBroker, streamCounts: readonly number[]): Contender[] {
  const streams = (count: number): Contender => ({
    name: `await-mqtt ${count.toLocaleString('en-US')} messages(filter)`,
    run: (size) =>
      receiveRun(broker, size, payloadSize, async (counter) => {
        const client = await connectOurs(broker.url)
        const base = benchTopic('fanout')
        const all = Array.from({ length: count }, (_, index) => client.messages(`${base}/${index}/+`))
        const subscription = await client.subscribe(`${base}/#`, { maxQueued: 1 })
        const first = all[0]
        if (first === undefined) throw new Error('no stream')
        const reading = drain(first, counter)
        return {
          topic: `${base}/0/x`,
          note: () => (first.dropped > 0 ? `dropped ${first.dropped} (maxQueued)` : undefined),
          close: async () => {
            for (const stream of all) stream.close()
            await reading
            await subscription.unsubscribe()
            await client.close()
          },
        }
      }),
  })
  return [mqttJsReceiver(broker, true), ...streamCounts.map(streams)]
}

/** (d) one client, N filtered streams of which one matches: the cost per message should not grow with N. */
export function fanoutGroups(broker: BenchBroker, config: BenchConfig): Group[] {
  return [
    {
      broker: broker.name,
      scenario: `fan-out: N filtered streams, 1 matching`,
      unit: 'msg/s',
      higherIsBetter: true,
      size: config.fanoutMessages,
      warmupSize: Math.min(config.fanoutMessages, 2_000),
      contenders: fanoutContenders(broker, config.fanoutStreams),
      recipe: { module: import.meta.url, factory: 'fanoutContenders', args: [config.fanoutStreams] },
    },
  ]
}
