import { utf8ByteLength } from '@await-mqtt/topic-trie'

/**
 * Exact encoded sizes of the packets the client sends, to hold them to the server's Maximum Packet
 * Size (MQTT 5 section 3.2.2.3.6) before they reach the wire. They count what mqtt-packet writes
 * for properties already checked (see publish-properties.ts): a contract test compares them with
 * its real encoding.
 */

/** The properties a PUBLISH, SUBSCRIBE or UNSUBSCRIBE may carry, as they are handed to MQTT.js. */
export interface SizedProperties {
  payloadFormatIndicator?: boolean | undefined
  messageExpiryInterval?: number | undefined
  topicAlias?: number | undefined
  responseTopic?: string | undefined
  correlationData?: Uint8Array | undefined
  userProperties?: Record<string, string | string[]> | undefined
  subscriptionIdentifier?: number | number[] | undefined
  contentType?: string | undefined
}

/** Bytes of a Variable Byte Integer (section 1.5.5). */
export function variableByteIntegerSize(value: number): number {
  if (value < 0x80) return 1
  if (value < 0x4000) return 2
  if (value < 0x20_0000) return 3
  return 4
}

/** Two-byte length prefix plus the UTF-8 bytes (strings checked before: no lone surrogate). */
function stringSize(value: string): number {
  return 2 + utf8ByteLength(value)
}

/** The Properties of a packet: their Variable Byte Integer length plus each one's identifier and value. */
export function propertiesSize(properties: SizedProperties | undefined): number {
  let size = 0
  if (properties !== undefined) {
    const p = properties
    if (p.payloadFormatIndicator !== undefined) size += 2
    if (p.messageExpiryInterval !== undefined) size += 5
    if (p.topicAlias !== undefined) size += 3
    if (p.responseTopic !== undefined) size += 1 + stringSize(p.responseTopic)
    if (p.correlationData !== undefined) size += 3 + p.correlationData.byteLength
    if (p.contentType !== undefined) size += 1 + stringSize(p.contentType)
    const ids = p.subscriptionIdentifier
    for (const id of ids === undefined ? [] : Array.isArray(ids) ? ids : [ids]) {
      size += 1 + variableByteIntegerSize(id)
    }
    for (const [key, value] of Object.entries(p.userProperties ?? {})) {
      for (const entry of Array.isArray(value) ? value : [value]) {
        size += 1 + stringSize(key) + stringSize(entry)
      }
    }
  }
  return variableByteIntegerSize(size) + size
}

/** Fixed header (type byte and Remaining Length) around `remaining` bytes. */
function withFixedHeader(remaining: number): number {
  return 1 + variableByteIntegerSize(remaining) + remaining
}

/** What a PUBLISH is made of, for {@link publishPacketSize}. */
export interface PublishShape {
  topic: string
  payloadBytes: number
  qos: 0 | 1 | 2
  protocolVersion: 3 | 4 | 5
  properties?: SizedProperties | undefined
}

/**
 * The bytes a PUBLISH takes on the wire: fixed header, topic, packet identifier (QoS 1/2),
 * properties (MQTT 5) and payload.
 * @example publishPacketSize({ topic: 'a', payloadBytes: 1, qos: 0, protocolVersion: 5 }) // 7
 */
export function publishPacketSize({
  topic,
  payloadBytes,
  qos,
  protocolVersion,
  properties,
}: PublishShape): number {
  let remaining = stringSize(topic) + payloadBytes
  if (qos > 0) remaining += 2
  if (protocolVersion === 5) remaining += propertiesSize(properties)
  return withFixedHeader(remaining)
}

/**
 * The bytes a SUBSCRIBE takes: fixed header, packet identifier, properties (MQTT 5) and, per
 * filter, the filter and its options byte.
 */
export function subscribePacketSize(
  filters: readonly string[],
  protocolVersion: 3 | 4 | 5,
  properties?: SizedProperties,
): number {
  let remaining = 2
  if (protocolVersion === 5) remaining += propertiesSize(properties)
  for (const filter of filters) remaining += stringSize(filter) + 1
  return withFixedHeader(remaining)
}

/** The bytes an UNSUBSCRIBE takes: fixed header, packet identifier, properties (MQTT 5), filters. */
export function unsubscribePacketSize(
  filters: readonly string[],
  protocolVersion: 3 | 4 | 5,
  properties?: SizedProperties,
): number {
  let remaining = 2
  if (protocolVersion === 5) remaining += propertiesSize(properties)
  for (const filter of filters) remaining += stringSize(filter)
  return withFixedHeader(remaining)
}
