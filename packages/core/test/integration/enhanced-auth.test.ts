import { type ScriptedConnection, startScriptedBroker } from '@await-mqtt/test-utils'
import type { IAuthPacket } from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import {
  type AuthOptions,
  Client,
  MqttConnectError,
  MqttConnectionLostError,
  MqttValidationError,
} from '../../src/index.js'

const method = 'SCRAM-SHA-256'
const bytes = (text: string) => new TextEncoder().encode(text)
const text = (data: Uint8Array | undefined) =>
  data === undefined ? undefined : new TextDecoder().decode(data)

/** Sends the broker's AUTH packet (0x18 challenge, 0x00 success) with `data`. */
function challenge(connection: ScriptedConnection, data: string, reasonCode = 0x18): void {
  connection.send({
    cmd: 'auth',
    reasonCode,
    properties: { authenticationMethod: method, authenticationData: Buffer.from(data) },
  })
}

async function nextAuth(connection: ScriptedConnection): Promise<[number, string | undefined]> {
  const packet = (await connection.next('auth')) as IAuthPacket
  expect(packet.properties?.authenticationMethod).toBe(method)
  return [packet.reasonCode, text(packet.properties?.authenticationData)]
}

/** A SCRAM-like handler: answers each server message with a proof of it, and records them. */
function scram(seen: string[] = []): AuthOptions {
  return {
    method,
    data: bytes('client-first'),
    onChallenge: async (data, reasonCode) => {
      seen.push(`${reasonCode.toString(16)}:${text(data)}`)
      await new Promise((resolve) => setImmediate(resolve))
      return bytes(`proof(${text(data)})`)
    },
  }
}

function resources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1
  return counts
}

describe('enhanced authentication (scripted broker)', () => {
  it('runs a multi-step challenge/response before CONNACK', async () => {
    await using broker = await startScriptedBroker({ connack: false })
    const seen: string[] = []
    const connecting = Client.connect(broker.url, { auth: scram(seen) })
    const connection = await broker.connection()
    expect(connection.connect.properties?.authenticationMethod).toBe(method)
    expect(text(connection.connect.properties?.authenticationData)).toBe('client-first')
    challenge(connection, 'server-first')
    expect(await nextAuth(connection)).toEqual([0x18, 'proof(server-first)'])
    challenge(connection, 'server-second')
    expect(await nextAuth(connection)).toEqual([0x18, 'proof(server-second)'])
    connection.send({ cmd: 'connack', sessionPresent: false, reasonCode: 0 })
    await using client = await connecting
    expect(client.connected).toBe(true)
    expect(seen).toEqual(['18:server-first', '18:server-second'])
    await client.publish('after/auth', 'x', { qos: 1 })
  })

  it.each([
    [
      'throws',
      { onChallenge: () => Promise.reject(new Error('bad server signature')) },
      'bad server signature',
    ],
    ['returns no bytes', { onChallenge: () => 'text' as never }, undefined],
    ['is missing', { onChallenge: undefined }, undefined],
  ])(
    'rejects connect with MqttConnectError auth-challenge when the handler %s, leaving nothing open',
    async (_, handler, cause) => {
      await using broker = await startScriptedBroker({ connack: false })
      const baseline = resources()
      const connecting = Client.connect(broker.url, { auth: { ...scram(), ...handler } })
      const connection = await broker.connection()
      challenge(connection, 'server-first')
      const error = await connecting.catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(MqttConnectError)
      expect(error).toMatchObject({ failure: 'auth-challenge' })
      if (cause !== undefined) expect(((error as Error).cause as Error).message).toBe(cause)
      await connection.closed
      expect(connection.received.filter((packet) => packet.cmd === 'auth')).toHaveLength(0)
      for (
        let attempt = 0;
        attempt < 50 && (resources().TCPSocketWrap ?? 0) > (baseline.TCPSocketWrap ?? 0);
        attempt++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(resources().TCPSocketWrap ?? 0).toBeLessThanOrEqual(baseline.TCPSocketWrap ?? 0)
      expect(resources().Timeout ?? 0).toBeLessThanOrEqual(baseline.Timeout ?? 0)
    },
  )

  it('re-authenticates: AUTH 0x19, challenges answered, resolved on AUTH 0x00', async () => {
    await using broker = await startScriptedBroker()
    const seen: string[] = []
    await using client = await Client.connect(broker.url, { auth: scram(seen) })
    const connection = await broker.connection()
    const reauthenticating = client.reauthenticate(bytes('token-2'))
    expect(await nextAuth(connection)).toEqual([0x19, 'token-2'])
    challenge(connection, 'nonce')
    expect(await nextAuth(connection)).toEqual([0x18, 'proof(nonce)'])
    let settled = false
    void reauthenticating.finally(() => (settled = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    challenge(connection, 'server-final', 0x00)
    await reauthenticating
    expect(seen).toEqual(['18:nonce'])
    expect(client.connected).toBe(true)
    await client.publish('after/reauth', 'x', { qos: 1 })
  })

  it('rejects a refused re-authentication with the broker DISCONNECT reason code', async () => {
    await using broker = await startScriptedBroker()
    await using client = await Client.connect(broker.url, { auth: scram() })
    const connection = await broker.connection()
    const reauthenticating = client.reauthenticate(bytes('expired-token'))
    await nextAuth(connection)
    connection.send({ cmd: 'disconnect', reasonCode: 0x87 })
    const error = await reauthenticating.catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(MqttConnectionLostError)
    expect(error).toMatchObject({ closedBy: 'broker', reasonCode: 0x87 })
    expect(client.state).toBe('disconnected')
  })

  it('rejects a re-authentication whose handler throws with auth-challenge and closes the connection', async () => {
    await using broker = await startScriptedBroker()
    let calls = 0
    const auth: AuthOptions = {
      method,
      onChallenge: () => {
        calls++
        throw new Error('cannot answer')
      },
    }
    await using client = await Client.connect(broker.url, { auth })
    const connection = await broker.connection()
    const reauthenticating = client.reauthenticate()
    expect(await nextAuth(connection)).toEqual([0x19, undefined])
    challenge(connection, 'nonce')
    await expect(reauthenticating).rejects.toMatchObject({
      name: 'MqttConnectError',
      failure: 'auth-challenge',
    })
    await connection.closed
    expect(calls).toBe(1)
  })

  it('refuses what cannot work with MqttValidationError, before anything is sent', async () => {
    await using broker = await startScriptedBroker()
    await expect(Client.connect(broker.url, { auth: scram(), protocolVersion: 4 })).rejects.toMatchObject({
      field: 'auth',
    })
    await expect(
      Client.connect(broker.url, { auth: scram(), properties: { authenticationMethod: 'other' } }),
    ).rejects.toMatchObject({ field: 'properties.authenticationMethod' })
    await expect(Client.connect(broker.url, { auth: { method: '' } })).rejects.toMatchObject({
      field: 'auth.method',
    })
    expect(broker.connections).toHaveLength(0)
    await using plain = await Client.connect(broker.url)
    await expect(plain.reauthenticate()).rejects.toThrow(MqttValidationError)
    await using client = await Client.connect(broker.url, { auth: scram() })
    const first = client.reauthenticate()
    await expect(client.reauthenticate()).rejects.toMatchObject({ field: 'reauthenticate' })
    await expect(client.reauthenticate(bytes('x'), { timeout: 50 })).rejects.toThrow(MqttValidationError)
    const connection = await broker.connection(1)
    await nextAuth(connection)
    challenge(connection, 'done', 0x00)
    await first
  })
})
