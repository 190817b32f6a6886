import { Client } from '@await-mqtt/core'

export async function node() {
  // #region node
  await using client = await Client.connect('ws://broker.local:8080/mqtt') // or transport: 'websockets'
  await using secure = await Client.connect({
    hostname: 'broker.example.com',
    transport: 'websockets',
    tls: true, // wss:// on port 443
    websocketPath: '/mqtt',
    websocketHeaders: { authorization: `Bearer ${process.env.TOKEN}` }, // Node only: browsers cannot set headers
  })
  // #endregion node
  return [client, secure]
}
