// The page script of the websockets guide. Bundle it for the browser (Vite, esbuild, webpack...):
// `mqtt` resolves to its browser build and the core opens no Node module over WebSockets.
import { Client } from '@await-mqtt/core'

// #region browser
const list = document.querySelector('#messages') as HTMLUListElement

const client = await Client.connect('wss://broker.example.com/mqtt', { username: 'dashboard' })
addEventListener('pagehide', () => void client.close())

await using messages = client.messages('sensors/#')
await client.subscribe('sensors/#')
for await (const message of messages) {
  const item = document.createElement('li')
  item.textContent = `${message.topic.value}: ${message.text()}`
  list.append(item)
}
// #endregion browser
