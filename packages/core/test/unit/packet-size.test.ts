import { mqttStringProblem } from '@await-mqtt/topic-trie'
import fc from 'fast-check'
import mqttPacket from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { publishPacketSize, subscribePacketSize, unsubscribePacketSize } from '../../src/packet-size.js'
import { checkPublishProperties } from '../../src/publish-properties.js'

/**
 * The sizes the client holds to the broker's Maximum Packet Size must be the bytes mqtt-packet
 * (MQTT.js's encoder) really writes: compared here on random packets, MQTT 3.1.1 and 5.
 */
const sendable = (value: string) => mqttStringProblem(value, { strict: true }) === undefined
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }))
const topic = text.filter((value) => sendable(value) && !/[+#]/.test(value)).map((value) => `t/${value}`)
const userProperties = fc.dictionary(
  fc.string({ maxLength: 8 }).filter(sendable),
  fc.oneof(
    fc.string({ maxLength: 12 }).filter(sendable),
    fc.array(fc.constantFrom('a', 'éé', '🙂'), { maxLength: 3 }),
  ),
  { maxKeys: 4 },
)
const publishProperties = fc.record(
  {
    payloadFormatIndicator: fc.constant(false),
    messageExpiryInterval: fc.oneof(fc.constantFrom(0, 0xffff_ffff), fc.nat()),
    topicAlias: fc.integer({ min: 1, max: 10 }),
    responseTopic: topic,
    correlationData: fc.uint8Array({ maxLength: 300 }),
    contentType: fc.constantFrom('text/plain', 'application/json; charset=utf-8', 'é'),
    userProperties,
  },
  { requiredKeys: [] },
)
const qos = fc.constantFrom(0 as const, 1 as const, 2 as const)
const version = fc.constantFrom(4 as const, 5 as const)

describe('packet sizes are what mqtt-packet encodes', () => {
  it('PUBLISH: any topic, payload size (across the 1-, 2- and 3-byte Remaining Length), QoS and properties', () => {
    const payloadSize = fc.oneof(
      fc.nat({ max: 200 }),
      fc.constantFrom(127, 128, 16_383, 16_384, 2_097_151 - 64, 2_097_152),
    )
    fc.assert(
      fc.property(topic, payloadSize, qos, version, publishProperties, (name, size, q, v, given) => {
        const payload = Buffer.alloc(size, 0x61)
        const properties =
          v === 5
            ? checkPublishProperties(given, {
                protocolVersion: 5,
                strict: true,
                topicAliasMaximum: 10,
                payload,
              })
            : undefined
        const encoded = mqttPacket.generate(
          {
            cmd: 'publish',
            topic: name,
            payload,
            qos: q,
            messageId: 1,
            dup: false,
            retain: false,
            properties,
          },
          { protocolVersion: v },
        )
        const size_ = publishPacketSize({
          topic: name,
          payloadBytes: size,
          qos: q,
          protocolVersion: v,
          properties,
        })
        expect(size_).toBe(encoded.length)
      }),
      { numRuns: 400 },
    )
  })

  it('SUBSCRIBE and UNSUBSCRIBE: any filters, subscription identifier and user properties', () => {
    const filters = fc.array(topic, { minLength: 1, maxLength: 6 })
    const identifier = fc.oneof(fc.constant(undefined), fc.constantFrom(1, 127, 128, 16_384, 268_435_455))
    fc.assert(
      fc.property(filters, version, identifier, userProperties, (list, v, id, user) => {
        const properties = v === 5 ? { subscriptionIdentifier: id, userProperties: user } : undefined
        if (properties && Object.keys(user).length === 0)
          delete (properties as { userProperties?: unknown }).userProperties
        if (properties && Object.values(user).some((value) => Array.isArray(value) && value.length === 0))
          return
        if (properties && id === undefined) delete properties.subscriptionIdentifier
        const subscribe = mqttPacket.generate(
          {
            cmd: 'subscribe',
            messageId: 1,
            subscriptions: list.map((filter) => ({ topic: filter, qos: 1 as const })),
            properties,
          },
          { protocolVersion: v },
        )
        expect(subscribePacketSize(list, v, properties)).toBe(subscribe.length)
        const unsubscribeProperties = properties?.userProperties
          ? { userProperties: properties.userProperties }
          : undefined
        const unsubscribe = mqttPacket.generate(
          { cmd: 'unsubscribe', messageId: 1, unsubscriptions: list, properties: unsubscribeProperties },
          { protocolVersion: v },
        )
        expect(unsubscribePacketSize(list, v, unsubscribeProperties)).toBe(unsubscribe.length)
      }),
      { numRuns: 300 },
    )
  })
})
