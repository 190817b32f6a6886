/**
 * What one more connected client keeps alive, by kind of object (issue 25): heap snapshots with 1
 * and with 1 + N clients (one subscription each), diffed by constructor and divided by N.
 *
 *   node --conditions=@await-mqtt/source --import tsx bench/many-heap-diff.ts [ours|mqttjs] [N]
 *
 * Needs a mosquitto (started here). Prints the top object kinds by bytes per client.
 */
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeHeapSnapshot } from 'node:v8'
import type { Client, Subscription } from '@await-mqtt/core'
import { startMosquitto } from '@await-mqtt/test-utils'
import type { MqttClient } from 'mqtt'
import { connectMqttJs, connectOurs, endMqttJs, useCore } from './clients.js'
import { loadCore } from './core-under-test.js'
import { collectGarbage } from './measure.js'

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] }
  }
  nodes: number[]
  edges: number[]
  strings: string[]
}

/**
 * The objects of `after` that `before` did not have (node ids are stable within one process), by
 * kind and by what holds them (the first retainer's kind and the edge's name): where they come from.
 */
async function newObjects(beforeFile: string, afterFile: string, count: number): Promise<string[]> {
  const ids = new Set<number>()
  {
    const data = JSON.parse(await readFile(beforeFile, 'utf8')) as Snapshot
    const width = data.snapshot.meta.node_fields.length
    const idAt = data.snapshot.meta.node_fields.indexOf('id')
    for (let index = 0; index < data.nodes.length; index += width) ids.add(data.nodes[index + idAt] as number)
  }
  const data = JSON.parse(await readFile(afterFile, 'utf8')) as Snapshot
  const {
    node_fields: fields,
    node_types: nodeTypes,
    edge_fields: edgeFields,
    edge_types: edgeTypes,
  } = data.snapshot.meta
  const width = fields.length
  const edgeWidth = edgeFields.length
  const [typeAt, nameAt, idAt, sizeAt, edgeCountAt] = ['type', 'name', 'id', 'self_size', 'edge_count'].map(
    (field) => fields.indexOf(field),
  ) as [number, number, number, number, number]
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((field) =>
    edgeFields.indexOf(field),
  ) as [number, number, number]
  const label = (node: number) => {
    const type = nodeTypes[0][data.nodes[node + typeAt] as number] ?? '?'
    const name =
      type.includes('string') || type === 'code'
        ? ''
        : (data.strings[data.nodes[node + nameAt] as number] ?? '')
    return `${type}:${name.slice(0, 40)}`
  }
  const retainer = new Map<number, string>()
  let edge = 0
  for (let node = 0; node < data.nodes.length; node += width) {
    const edges = data.nodes[node + edgeCountAt] as number
    for (let at = 0; at < edges; at++, edge += edgeWidth) {
      const to = data.edges[edge + toAt] as number
      const kind = edgeTypes[0][data.edges[edge + edgeTypeAt] as number]
      if (kind === 'weak' || retainer.has(to)) continue
      const raw = data.edges[edge + edgeNameAt] as number
      const name = kind === 'element' || kind === 'hidden' ? `[${kind}]` : (data.strings[raw] ?? '?')
      retainer.set(to, `${label(node)}.${name}`)
    }
  }
  const groups = new Map<string, { count: number; bytes: number }>()
  for (let node = 0; node < data.nodes.length; node += width) {
    if (ids.has(data.nodes[node + idAt] as number)) continue
    const key = `${label(node)}  <-  ${retainer.get(node) ?? '?'}`
    const entry = groups.get(key) ?? { count: 0, bytes: 0 }
    entry.count++
    entry.bytes += data.nodes[node + sizeAt] as number
    groups.set(key, entry)
  }
  return [...groups]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 400)
    .map(
      ([key, { count: n, bytes }]) =>
        `${(bytes / count).toFixed(0).padStart(7)} B  ${(n / count).toFixed(2).padStart(6)}×  ${key}`,
    )
}

/** Count and self size per `type:name` of every node in a snapshot file. */
async function census(file: string): Promise<Map<string, { count: number; bytes: number }>> {
  const data = JSON.parse(await readFile(file, 'utf8')) as Snapshot
  const fields = data.snapshot.meta.node_fields
  const types = data.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const result = new Map<string, { count: number; bytes: number }>()
  for (let index = 0; index < data.nodes.length; index += width) {
    const type = types[data.nodes[index + typeAt] as number] ?? '?'
    let name = data.strings[data.nodes[index + nameAt] as number] ?? '?'
    // Strings and code carry their text as name: fold them into one entry per type.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = ''
    if (type === 'code' || type === 'number') name = ''
    if (type === 'closure') name = name || '(anonymous)'
    const key = `${type}:${name.slice(0, 60)}`
    const entry = result.get(key) ?? { count: 0, bytes: 0 }
    entry.count++
    entry.bytes += data.nodes[index + sizeAt] as number
    result.set(key, entry)
  }
  return result
}

function snapshot(label: string): string {
  collectGarbage()
  collectGarbage()
  return writeHeapSnapshot(join(tmpdir(), `many-${process.pid}-${label}.heapsnapshot`))
}

const which = process.argv[2] === 'mqttjs' ? 'mqttjs' : 'ours'
const count = Number(process.argv[3] ?? 1000)
const broker = await startMosquitto({ websocket: false })
const core = await loadCore(false)
useCore(core.core)
const held: unknown[] = []
let serial = 0
async function one(): Promise<void> {
  const topic = `heap/${serial++}`
  if (which === 'ours') {
    const client: Client = await connectOurs(broker.url)
    const subscription: Subscription = await client.subscribe(topic)
    held.push(client, subscription)
  } else {
    const client: MqttClient = await connectMqttJs(broker.url)
    await client.subscribeAsync(topic, { qos: 0 })
    held.push(client)
  }
}
try {
  await one()
  const first = snapshot('1')
  for (let index = 0; index < count; index += 50)
    await Promise.all(Array.from({ length: Math.min(50, count - index) }, one))
  const second = snapshot(String(count + 1))
  const [before, after] = [await census(first), await census(second)]
  const retained = process.argv.includes('--retainers') ? await newObjects(first, second, count) : []
  process.stdout.write(`FILES ${first} ${second}\n`)
  const diff = [...after].map(([key, { count: n, bytes }]) => {
    const was = before.get(key) ?? { count: 0, bytes: 0 }
    return { key, perClient: (n - was.count) / count, bytesPerClient: (bytes - was.bytes) / count }
  })
  diff.sort((a, b) => b.bytesPerClient - a.bytesPerClient)
  const total = diff.reduce((sum, row) => sum + row.bytesPerClient, 0)
  process.stdout.write(`${which}: ${count} clients, ${total.toFixed(0)} B of heap objects per client\n`)
  for (const row of diff.slice(0, 70)) {
    if (Math.abs(row.bytesPerClient) < 8) continue
    process.stdout.write(
      `${row.bytesPerClient.toFixed(0).padStart(7)} B  ${row.perClient.toFixed(2).padStart(6)}×  ${row.key}\n`,
    )
  }
  if (retained.length > 0) process.stdout.write(`\nnew objects by retainer:\n${retained.join('\n')}\n`)
} finally {
  for (const item of held) {
    if (item && typeof item === 'object' && 'close' in item && typeof item.close === 'function')
      await (item as Client).close().catch(() => {})
    else if (item && typeof item === 'object' && 'end' in item) await endMqttJs(item as MqttClient)
  }
  await core.dispose()
  await broker.close()
}
