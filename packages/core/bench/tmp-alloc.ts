import { startMosquitto } from '@await-mqtt/test-utils'
import { Client } from '@await-mqtt/core'
import mqtt from 'mqtt'
const which = process.argv[2]
const broker = await startMosquitto({ websocket: false })
const held: { close(): Promise<unknown> }[] = []
let n = 0
async function one() {
  n++
  if (which === 'ours') {
    const c = await Client.connect(broker.url, { protocolVersion: 4, clientId: `p-${n}`, keepalive: 60 })
    await c.subscribe(`t/${n}`)
    held.push(c)
  } else {
    const c = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: `r-${n}`, keepalive: 60, reconnectPeriod: 0 })
    await c.subscribeAsync(`t/${n}`, { qos: 0 })
    held.push({ close: () => c.endAsync() })
  }
}
// warm up
for (let i = 0; i < 200; i += 50) await Promise.all(Array.from({ length: 50 }, one))
await Promise.all(held.splice(0).map((c) => c.close()))
const { PerformanceObserver } = await import('node:perf_hooks')
const v8 = await import('node:v8')
const before = v8.getHeapStatistics()
const ab0 = process.memoryUsage().arrayBuffers
let gcs = 0
const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length })
obs.observe({ entryTypes: ['gc'] })
const t = performance.now()
for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, one))
const after = v8.getHeapStatistics()
// @ts-ignore
console.log(which, 'ms', (performance.now()-t).toFixed(0), 'gcs', gcs, 'malloced', ((after.malloced_memory - before.malloced_memory)/1000).toFixed(1), 'KB/client heap', ((after.used_heap_size-before.used_heap_size)/1000/1000).toFixed(1), 'ab', ((process.memoryUsage().arrayBuffers - ab0)/1000).toFixed(0))
await Promise.all(held.splice(0).map((c) => c.close()))
await broker.close()
