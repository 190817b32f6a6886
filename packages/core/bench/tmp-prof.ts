import { Client } from '@await-mqtt/core'
import { startMosquitto } from '@await-mqtt/test-utils'

const broker = await startMosquitto({ websocket: false })
const held: Client[] = []
let n = 0
async function one() {
  const c = await Client.connect(broker.url, { protocolVersion: 4, clientId: `p-${n++}`, keepalive: 60 })
  await c.subscribe(`t/${n}`)
  held.push(c)
}
for (let r = 0; r < 3; r++) {
  const t = performance.now()
  for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, one))
  console.log('connect 1000:', (performance.now() - t).toFixed(0), 'ms')
  await Promise.all(held.splice(0).map((c) => c.close()))
}
await broker.close()
