import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AdoptSessionOptions, adoptSession, MqttValidationError } from '../../src/index.js'

describe('adoptSession validation', () => {
  // A listener that counts connections: a refused option must not open one.
  let connections = 0
  const server = createServer((socket) => {
    connections++
    socket.destroy()
  })
  let url = ''
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    url = `mqtt://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const valid: AdoptSessionOptions = {
    clientId: 'worker-1',
    unsubscribe: '$share/workers/jobs/#',
    handler: () => {},
  }

  it.each([
    ['clientId', { clientId: '' }],
    ['clientId', { clientId: 42 }],
    ['unsubscribe', { unsubscribe: [] }],
    ['unsubscribe', { unsubscribe: 'jobs/#/x' }],
    ['handler', { handler: 'run' }],
    ['onError', { onError: true }],
    ['barrierTopic', { barrierTopic: 'adopt/+' }],
    ['sessionExpiryInterval', { sessionExpiryInterval: 0 }],
    ['sessionExpiryInterval', { sessionExpiryInterval: 1.5 }],
    ['protocolVersion', { protocolVersion: 4 }],
    ['clean', { clean: true }],
    ['ack', { ack: 'on-receipt' }],
    ['reconnect', { reconnect: true }],
    ['connectInBackground', { connectInBackground: true }],
    ['overflow', { overflow: 'drop-oldest' }],
  ])('refuses a bad %s before connecting: %o', async (field, bad) => {
    const error = await adoptSession(url, { ...valid, ...bad } as unknown as AdoptSessionOptions).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(MqttValidationError)
    expect((error as MqttValidationError).field).toBe(field)
    expect(connections).toBe(0)
  })

  it('refuses a missing options object', async () => {
    await expect(adoptSession(url, undefined as unknown as AdoptSessionOptions)).rejects.toMatchObject({
      name: 'MqttValidationError',
      field: 'options',
    })
    expect(connections).toBe(0)
  })
})
