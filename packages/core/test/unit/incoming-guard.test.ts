import mqttPacket, { type Packet } from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { disconnectPacket, IncomingGuard } from '../../src/incoming-guard.js'

const connack = Uint8Array.of(0x20, 0x03, 0x00, 0x00, 0x00)
const encode = (packet: Packet) => mqttPacket.generate(packet, { protocolVersion: 5 })
const publish = (payload: number, qos: 0 | 1 = 1) =>
  encode({
    cmd: 'publish',
    topic: 't',
    payload: Buffer.alloc(payload, 0x61),
    qos,
    messageId: qos === 0 ? undefined : 1,
    dup: false,
    retain: false,
  })

/** A guard past CONNACK. */
function connected(maxPacketSize = 1_000, version: 3 | 4 | 5 = 5): IncomingGuard {
  const guard = new IncomingGuard(version, maxPacketSize)
  expect(
    guard.check(version === 5 ? connack : connack.subarray(0, 4).map((byte, i) => (i === 1 ? 2 : byte)))
      .violation,
  ).toBeUndefined()
  return guard
}

describe('IncomingGuard', () => {
  it('accepts valid packets whole, across and within chunks, byte by byte', () => {
    const guard = connected()
    const stream = Buffer.concat([publish(100), publish(0, 0), encode({ cmd: 'pingresp' }), publish(500)])
    for (let index = 0; index < stream.length; index++) {
      const verdict = guard.check(stream.subarray(index, index + 1))
      expect(verdict.violation).toBeUndefined()
      expect(verdict.accepted.length).toBe(1)
    }
    expect(guard.check(stream)).toEqual({ accepted: stream, violation: undefined })
    expect(guard.refused).toBe(false)
  })

  it.each([
    ['reserved type 0', [0x00, 0x00], 0x81],
    ['QoS 3', [0x36, 0x02, 0x00, 0x01], 0x81],
    ['a QoS 0 PUBLISH with DUP', [0x38, 0x03, 0x00, 0x01, 0x61], 0x81],
    ['reserved flags on PUBACK', [0x41, 0x02, 0x00, 0x01], 0x81],
    ['PUBREL without its 0b0010 flags', [0x60, 0x02, 0x00, 0x01], 0x81],
    ['a 5-byte Remaining Length', [0x30, 0xff, 0xff, 0xff, 0xff, 0x01], 0x81],
    ['a non-minimal Remaining Length', [0xd0, 0x80, 0x00], 0x81],
    ['a PINGRESP with a body', [0xd0, 0x01, 0x00], 0x81],
    ['CONNECT', [0x10, 0x00], 0x82],
    ['SUBSCRIBE', [0x82, 0x00], 0x82],
    ['UNSUBSCRIBE', [0xa2, 0x00], 0x82],
    ['PINGREQ', [0xc0, 0x00], 0x82],
    ['a second CONNACK', [0x20, 0x03, 0x00, 0x00, 0x00], 0x82],
    ['a packet above the bound', [0x30, 0xe8, 0x07], 0x95],
  ])('refuses %s with reason code %i, accepting what came before it', (_what, bad, reasonCode) => {
    const guard = connected()
    const before = publish(10)
    const after = publish(10)
    const chunk = Buffer.concat([before, Buffer.from(bad), after])
    const verdict = guard.check(chunk)
    expect(verdict.violation?.reasonCode).toBe(reasonCode)
    expect(Buffer.from(verdict.accepted)).toEqual(before)
    expect(guard.refused).toBe(true)
    expect(guard.check(after).accepted.length).toBe(0)
  })

  it('refuses an oversized packet from its fixed header alone, before any body byte', () => {
    const guard = connected(16 * 1024 * 1024)
    const verdict = guard.check(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0x7f))
    expect(verdict.violation).toEqual({
      reasonCode: 0x95,
      reason: 'a PUBLISH packet of 268435460 bytes (the most accepted is 16777216)',
    })
  })

  it('counts the fixed header in the size: a packet of exactly the bound passes, one byte more does not', () => {
    const exact = publish(100)
    expect(connected(exact.length).check(exact).violation).toBeUndefined()
    expect(connected(exact.length - 1).check(exact).violation?.reasonCode).toBe(0x95)
  })

  it('a packet split before its bad header byte: the earlier chunk was accepted whole', () => {
    const guard = connected()
    const good = publish(10)
    expect(guard.check(good.subarray(0, 5)).accepted.length).toBe(5)
    const verdict = guard.check(Buffer.concat([good.subarray(5), Buffer.from([0x00, 0x00])]))
    expect(verdict.accepted.length).toBe(good.length - 5)
    expect(verdict.violation?.reasonCode).toBe(0x81)
  })

  it('wants CONNACK (or AUTH under MQTT 5) first', () => {
    expect(new IncomingGuard(5, 100).check(publish(1)).violation).toEqual({
      reasonCode: 0x82,
      reason: 'a PUBLISH packet before CONNACK',
    })
    expect(new IncomingGuard(5, 100).check(Uint8Array.of(0xf0, 0x00)).violation).toBeUndefined()
  })

  it.each([
    ['a PUBREL without a packet identifier', 5, [0x62, 0x00]],
    ['a PUBACK with a reason code under MQTT 3.1.1', 4, [0x40, 0x03, 0x00, 0x01, 0x00]],
    ['a QoS 1 PUBLISH too short for its packet identifier', 5, [0x32, 0x03, 0x00, 0x01, 0x61]],
    ['a SUBACK without a return code', 5, [0x90, 0x02, 0x00, 0x01]],
    ['a DISCONNECT with a body under MQTT 3.1.1', 4, [0xe0, 0x01, 0x00]],
  ] as const)('refuses %s as malformed (MQTT.js would crash or misread it)', (_what, version, bytes) => {
    expect(connected(1_000, version).check(Uint8Array.from(bytes)).violation?.reasonCode).toBe(0x81)
  })

  it('AUTH (type 15) is malformed before MQTT 5', () => {
    expect(connected(1_000, 4).check(Uint8Array.of(0xf0, 0x00)).violation?.reasonCode).toBe(0x81)
    expect(connected(1_000, 5).check(Uint8Array.of(0xf0, 0x00)).violation).toBeUndefined()
  })

  it('disconnectPacket encodes an MQTT 5 DISCONNECT that mqtt-packet decodes', () => {
    const parser = mqttPacket.parser({ protocolVersion: 5 })
    const packets: Packet[] = []
    parser.on('packet', (packet) => packets.push(packet))
    parser.parse(Buffer.from(disconnectPacket(0x81)))
    expect(packets).toEqual([expect.objectContaining({ cmd: 'disconnect', reasonCode: 0x81 })])
  })
})
