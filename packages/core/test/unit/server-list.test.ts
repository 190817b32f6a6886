import { describe, expect, it } from 'vitest'
import { resolveBrokerList } from '../../src/options/resolve-broker-list.js'
import { parseServerReference, ServerList } from '../../src/reconnect/server-list.js'

describe('parseServerReference (MQTT 5 Server Reference)', () => {
  it('reads host, host:port, [v6]:port and URLs; takes the first of a space-separated list', () => {
    expect(parseServerReference('node-b')).toEqual({ hostname: 'node-b', port: undefined })
    expect(parseServerReference('node-b:8883')).toEqual({ hostname: 'node-b', port: 8883 })
    expect(parseServerReference('[fe80::1]:1883 other:1')).toEqual({ hostname: 'fe80::1', port: 1883 })
    expect(parseServerReference('mqtts://node-c:8884')).toEqual({ hostname: 'node-c', port: 8884 })
  })

  it('refuses what is not an address', () => {
    for (const bad of ['', '   ', 'a/b', 'host:0', 'host:70000', 'host:x', 'mqtt://']) {
      expect(parseServerReference(bad), bad).toBeUndefined()
    }
  })
})

describe('ServerList', () => {
  const options = (failover = {}) =>
    resolveBrokerList(['mqtt://a:1', 'mqtts://b:2', 'mqtt://c:3'], { failover, timeout: 1_000 })

  it('takes the brokers in turn and wraps around', () => {
    const list = new ServerList(options())
    expect(list.current.address).toBe('mqtt://a:1')
    expect(list.advance().address).toBe('mqtts://b:2')
    expect(list.advance().address).toBe('mqtt://c:3')
    expect(list.advance().address).toBe('mqtt://a:1')
  })

  it('shuffles once when asked', () => {
    const list = new ServerList(options({ shuffle: true }), () => 0)
    expect([list.current, list.advance(), list.advance()].map((server) => server.address)).toEqual([
      'mqtts://b:2',
      'mqtt://c:3',
      'mqtt://a:1',
    ])
  })

  it('follows a redirect only when allowed; keeps transport, TLS and port unless the reference names one', () => {
    const redirect = { reasonCode: 0x9c, serverReference: 'd' }
    expect(new ServerList(options()).follow(redirect)).toBe(false)
    const list = new ServerList(options({ followRedirects: true }))
    list.advance() // on b, with TLS
    expect(list.follow(redirect)).toBe(true)
    expect(list.current.address).toBe('mqtts://d:2')
    expect(list.current.target.tls?.servername).toBe('d')
    expect(list.follow({ reasonCode: 0x9d, serverReference: undefined })).toBe(false)
    expect(list.advance().address).toBe('mqtt://c:3') // back to the list after the broker it left
  })

  it('follows at most maxRedirects in a row; a connection that stayed up for timeout ends the row', () => {
    const list = new ServerList(options({ followRedirects: true, maxRedirects: 2 }))
    const redirect = { reasonCode: 0x9c, serverReference: 'x:9' }
    expect(list.follow(redirect)).toBe(true)
    list.connected(Date.now()) // and dropped at once: still in the row
    expect(list.follow(redirect)).toBe(true)
    expect(list.follow(redirect)).toBe(false)
    list.connected(Date.now() - 1_000)
    expect(list.follow(redirect)).toBe(true)
  })
})
