import { threadId } from 'node:worker_threads'
import type * as Core from '@await-mqtt/core'
import asyncMqtt from 'async-mqtt'
import mqtt, { type MqttClient } from 'mqtt'

/**
 * How every contender connects: MQTT 3.1.1 (what aedes and the mosquitto C clients speak by
 * default), clean session, keepalive 60, no reconnecting, a fresh client id. Only the library differs.
 */
export const protocolVersion = 4

let serial = 0
/** A client id no other connection of this run uses (any thread: a broker drops the older of two). */
export function clientId(name: string): string {
  serial++
  return `bench-${name}-${process.pid}-${threadId}-${serial}`
}

let core: typeof Core | undefined

/** Which build of await-mqtt the contenders use (see core-under-test.ts). */
export function useCore(loaded: typeof Core): void {
  core = loaded
}

/** The build of await-mqtt given to {@link useCore}. */
export function ours(): typeof Core {
  if (core === undefined) throw new Error('useCore() first')
  return core
}

/** await-mqtt with its defaults (its own TCP transport, `noDelay: true`), except the protocol version. */
export function connectOurs(url: string): Promise<Core.Client> {
  if (core === undefined) throw new Error('useCore() first')
  return core.Client.connect(url, { protocolVersion, clientId: clientId('ours'), keepalive: 60 })
}

/** Raw MQTT.js 5 with its defaults. */
export function connectMqttJs(url: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    protocolVersion,
    clientId: clientId('mqttjs'),
    keepalive: 60,
    reconnectPeriod: 0,
  })
}

/** async-mqtt (promises over its own bundled MQTT.js 4). */
export type AsyncMqttClient = Awaited<ReturnType<typeof asyncMqtt.connectAsync>>

export function connectAsyncMqtt(url: string): Promise<AsyncMqttClient> {
  return asyncMqtt.connectAsync(
    url,
    { protocolVersion, clientId: clientId('async'), keepalive: 60, reconnectPeriod: 0 },
    false,
  )
}

/** Ends a raw MQTT.js client without hanging on a broken connection. */
export function endMqttJs(client: MqttClient): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      client.end(true)
      resolve()
    }, 5_000)
    client.end(false, {}, () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Ends an async-mqtt client without hanging on a broken connection. */
export async function endAsyncMqtt(client: AsyncMqttClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      void client.end(true).catch(() => {})
      resolve()
    }, 5_000)
  })
  await Promise.race([client.end(false).catch(() => {}), late])
  clearTimeout(timer)
}
