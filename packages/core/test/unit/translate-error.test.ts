import { describe, expect, it } from 'vitest'
import {
  MqttClientClosedError,
  MqttCodeError,
  MqttConnectError,
  MqttConnectionLostError,
  MqttTimeoutError,
} from '../../src/errors.js'
import {
  closedBeforeConnack,
  connectionLost,
  connectTimeout,
  isUnsupportedProtocol,
  toCallError,
  toCodeError,
  toConnectError,
} from '../../src/translate-error.js'

const address = 'mqtt://broker:1883'
const withCode = (message: string, code: number | string) => Object.assign(new Error(message), { code })

describe('toConnectError', () => {
  it.each([
    [1, 'unsupported-protocol'],
    [0x84, 'unsupported-protocol'],
    [2, 'refused'],
    [0x85, 'refused'],
    [3, 'refused'],
    [0x89, 'refused'],
    [4, 'bad-credentials'],
    [0x86, 'bad-credentials'],
    [5, 'not-authorized'],
    [0x87, 'not-authorized'],
    [0x8a, 'not-authorized'],
  ] as const)('CONNACK code %i is %s', (code, failure) => {
    const error = toConnectError(withCode('Connection refused', code), address)
    expect(error).toBeInstanceOf(MqttConnectError)
    expect(error.failure).toBe(failure)
    expect(error.reasonCode).toBe(code)
    expect(error.message).toContain(address)
  })

  it("reads 'not authorized' with credentials sent as bad credentials (mosquitto's answer to a wrong password)", () => {
    expect(toConnectError(withCode('x', 5), address, true).failure).toBe('bad-credentials')
    expect(toConnectError(withCode('x', 0x87), address, true).failure).toBe('bad-credentials')
    expect(toConnectError(withCode('x', 0x8a), address, true).failure).toBe('not-authorized')
  })

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET'])('%s is unreachable', (code) => {
    const error = toConnectError(withCode(`connect ${code}`, code), address)
    expect(error.failure).toBe('unreachable')
    expect(error.message).toContain(code)
  })

  it('TLS errors are tls', () => {
    expect(toConnectError(withCode('self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'), address).failure).toBe(
      'tls',
    )
    expect(toConnectError(withCode('x', 'ERR_TLS_CERT_ALTNAME_INVALID'), address).failure).toBe('tls')
  })

  it('keeps the cause and passes our own errors through', () => {
    const cause = withCode('x', 'ECONNREFUSED')
    expect(toConnectError(cause, address).cause).toBe(cause)
    const ours = connectTimeout(address, 5)
    expect(toConnectError(ours, address)).toBe(ours)
    expect(ours.failure).toBe('timeout')
    expect(closedBeforeConnack(address).failure).toBe('closed')
  })

  it('tells a refused protocol version apart', () => {
    expect(isUnsupportedProtocol(toConnectError(withCode('x', 1), address))).toBe(true)
    expect(isUnsupportedProtocol(toConnectError(withCode('x', 5), address))).toBe(false)
    expect(isUnsupportedProtocol(new Error('x'))).toBe(false)
  })
})

describe('toCallError', () => {
  it('turns failure reason codes into MqttCodeError', () => {
    const error = toCallError('publish to a', withCode('Publish error: Quota exceeded', 0x97))
    expect(error).toBeInstanceOf(MqttCodeError)
    expect((error as MqttCodeError).reasonName).toBe('Quota Exceeded')
    expect(error.message).toBe('publish to a was refused by the broker: Quota Exceeded (0x97)')
  })

  it('maps MQTT.js connection errors', () => {
    expect(toCallError('x', new Error('client disconnecting'))).toBeInstanceOf(MqttClientClosedError)
    expect(toCallError('x', new Error('Connection closed'))).toBeInstanceOf(MqttConnectionLostError)
    const timeout = new MqttTimeoutError('t', 1)
    expect(toCallError('x', timeout)).toBe(timeout)
  })
})

describe('messages never carry credentials', () => {
  it('connectionLost and toCodeError describe by address and code only', () => {
    expect(connectionLost(address, withCode('x', 0x8e)).message).toBe(
      'the connection to mqtt://broker:1883 was lost (the broker sent DISCONNECT: Session Taken Over)',
    )
    expect(toCodeError('subscribe to a/#', 0x87).message).toBe(
      'subscribe to a/# was refused by the broker: Not Authorized (0x87)',
    )
  })
})
