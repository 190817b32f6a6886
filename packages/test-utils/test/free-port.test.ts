import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { freePort } from '../src/free-port.js'

describe('freePort', () => {
  it('gives a port a server can bind at once, below the ephemeral range the OS assigns from', async () => {
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)
    for (let index = 0; index < 5; index++) {
      const port = await freePort()
      expect(port).toBeLessThan(Number(ephemeralLow))
      const server = createServer().listen(port, '127.0.0.1')
      await once(server, 'listening')
      server.close()
      await once(server, 'close')
    }
  })
})
