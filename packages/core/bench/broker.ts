import { threadId } from 'node:worker_threads'
import type { MqttClient } from 'mqtt'
import { connectMqttJs, endMqttJs } from './clients.js'
import type { BrokerName } from './config.js'
import { cliAvailable, type LineFiles, publishLines } from './limit.js'
import { pumpCallbacks } from './pump.js'

/** A broker the contenders share, with what the scenarios need around it. */
export interface BenchBroker {
  name: BrokerName
  host: string
  port: number
  url: string
  /** Message files for mosquitto_pub -l. */
  lines: LineFiles
  /** An MQTT.js client for chores (retained ready markers), not measured. */
  helper: MqttClient
  /** Seconds mosquitto_pub needs to start, connect, send one message and disconnect (the least of 5 runs: mosquitto_pub -l idles ~200 ms at the end of its input). */
  publisherStartup(): Promise<number>
}

/** Measures mosquitto_pub's fixed cost once per broker, so its rates count the messages only. */
export function startupMeter(host: string, port: number, lines: LineFiles): () => Promise<number> {
  let measured: Promise<number> | undefined
  return () => {
    if (!cliAvailable) return Promise.resolve(0)
    measured ??= (async () => {
      const times: number[] = []
      for (let index = 0; index < 5; index++) {
        times.push(await publishLines({ host, port, topic: 'bench/startup', file: lines.get(1, 64) }))
      }
      return Math.min(...times)
    })()
    return measured
  }
}

let topics = 0
/** A topic no other run of this process (any thread) uses. */
export function benchTopic(scenario: string): string {
  topics++
  return `bench/${process.pid}-${threadId}/${scenario}/${topics}`
}

/**
 * Sends `count` messages of `size` bytes to `topic` from outside the measured clients: mosquitto_pub
 * (another process) when installed, else a raw MQTT.js client in this process.
 */
export async function sendMessages(
  broker: BenchBroker,
  topic: string,
  count: number,
  size: number,
): Promise<void> {
  if (cliAvailable) {
    await publishLines({ host: broker.host, port: broker.port, topic, file: broker.lines.get(count, size) })
    return
  }
  const client = await connectMqttJs(broker.url)
  const payload = Buffer.alloc(size, 'x')
  try {
    await pumpCallbacks(count, 1, (done) => client.publish(topic, payload, { qos: 0 }, done))
  } finally {
    await endMqttJs(client)
  }
}
