import { describe, expect, it } from 'vitest'
import { isFailure, ReasonCode, reasonName } from '../../src/errors/reason-codes.js'

describe('reason codes', () => {
  it('has the values of the MQTT 5 specification', () => {
    expect(ReasonCode.Success).toBe(0)
    expect(ReasonCode.NoMatchingSubscribers).toBe(0x10)
    expect(ReasonCode.UnspecifiedError).toBe(0x80)
    expect(ReasonCode.NotAuthorized).toBe(0x87)
    expect(ReasonCode.QuotaExceeded).toBe(0x97)
    expect(ReasonCode.WildcardSubscriptionsNotSupported).toBe(0xa2)
  })

  it('names codes the way the specification does', () => {
    expect(reasonName(0x87)).toBe('Not Authorized')
    expect(reasonName(0x86)).toBe('Bad User Name Or Password')
    expect(reasonName(0x01)).toBe('Granted QoS 1')
    expect(reasonName(0x9b)).toBe('QoS Not Supported')
    expect(reasonName(0x9e)).toBe('Shared Subscriptions Not Supported')
  })

  it('names unknown codes by their hex value', () => {
    expect(reasonName(0x7f)).toBe('Unknown reason code 0x7f')
  })

  it('tells failures (0x80 and up) from successes', () => {
    expect(isFailure(0x10)).toBe(false)
    expect(isFailure(0x02)).toBe(false)
    expect(isFailure(0x80)).toBe(true)
    expect(isFailure(0x87)).toBe(true)
  })
})
