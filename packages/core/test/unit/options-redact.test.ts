import { describe, expect, it } from 'vitest'
import { redactOptions } from '../../src/options/redact-options.js'
import { resolveOptions } from '../../src/options/resolve-options.js'

describe('redactOptions', () => {
  const secrets = [
    'url-password',
    'option-password',
    'proxy-password',
    'key-passphrase',
    'PRIVATE KEY',
    'token-1',
  ]
  const resolved = resolveOptions('mqtts://alice:url-password@broker.local', {
    password: 'option-password',
    tls: { ca: 'CA PEM', key: '-----BEGIN PRIVATE KEY-----', cert: 'CERT', passphrase: 'key-passphrase' },
    proxy: { type: 'http', host: 'proxy.local', port: 3128, username: 'bob', password: 'proxy-password' },
    properties: { authenticationMethod: 'SCRAM', authenticationData: new Uint8Array([1, 2, 3]) },
    websocketHeaders: { authorization: 'Bearer token-1' },
  })
  const text = JSON.stringify(redactOptions(resolved))

  it('keeps what helps debugging, user names included', () => {
    expect(redactOptions(resolved)).toMatchObject({
      address: 'mqtts://broker.local:8883',
      username: 'alice',
      proxy: { type: 'http', host: 'proxy.local', port: 3128, username: 'bob', password: '[redacted]' },
      tls: { rejectUnauthorized: true, ca: '[1 PEM/DER value]', key: '[redacted]', passphrase: '[redacted]' },
      password: '[redacted]',
      properties: { authenticationMethod: 'SCRAM', authenticationData: '[redacted]' },
    })
  })

  it.each(secrets)('leaves out %s', (secret) => {
    expect(text).not.toContain(secret)
  })

  it('lists the names of WebSocket headers, not their values', () => {
    expect(redactOptions(resolved).websocketHeaders).toEqual(['authorization'])
    const ws = resolveOptions('wss://broker.local', { websocketHeaders: { authorization: 'Bearer token-1' } })
    expect(redactOptions(ws).websocketHeaders).toEqual(['authorization'])
  })

  it('redacts a password passed through the mqtt options', () => {
    const raw = resolveOptions({ mqtt: { password: Buffer.from('raw-secret') } })
    expect(JSON.stringify(redactOptions(raw))).not.toContain('raw-secret')
  })
})

describe('redactOptions with enhanced authentication', () => {
  it('never shows auth.data', () => {
    const resolved = resolveOptions('mqtt://localhost', {
      auth: { method: 'SCRAM-SHA-256', data: new TextEncoder().encode('n,,n=alice,r=secret-nonce') },
    })
    const text = JSON.stringify(redactOptions(resolved))
    expect(text).toContain('SCRAM-SHA-256')
    expect(text).not.toContain('secret-nonce')
  })
})
