import { Client } from '@await-mqtt/core'

export async function socks() {
  // #region socks
  await using client = await Client.connect('mqtt://broker.internal', {
    proxy: { type: 'socks5', host: '127.0.0.1', port: 1080, username: 'me', password: 'secret' },
  })
  // #endregion socks
  return client
}

export async function http() {
  // #region http
  await using client = await Client.connect('mqtts://broker.example.com', {
    proxy: { type: 'http', host: 'proxy.corp.local', port: 3128 }, // HTTP CONNECT; TLS runs end to end inside
  })
  // #endregion http
  return client
}
