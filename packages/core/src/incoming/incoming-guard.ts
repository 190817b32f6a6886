import { ReasonCode } from '../errors/reason-codes.js'
/**
 * A rule of the protocol the broker broke, found in the bytes it sent, with the MQTT 5 reason code
 * the client closes the connection with (MQTT 5 §4.13: on a Malformed Packet or a Protocol Error
 * the receiver closes the connection, sending DISCONNECT with the reason code first if it can).
 */
export interface IncomingViolation {
  /**
   * 0x81 Malformed Packet, 0x82 Protocol Error or 0x95 Packet too large (0x93 Receive Maximum
   * exceeded and 0x94 Topic Alias invalid when MQTT.js found them).
   */
  readonly reasonCode: (typeof ReasonCode)[
    | 'MalformedPacket'
    | 'ProtocolError'
    | 'ReceiveMaximumExceeded'
    | 'TopicAliasInvalid'
    | 'PacketTooLarge']
  /** What was wrong, in words, e.g. 'a PUBLISH with QoS 3'. Never quotes packet contents. */
  readonly reason: string
}

/** What {@link IncomingGuard.check} decided about one chunk. */
export interface GuardVerdict {
  /** The bytes the packet parser may see: the whole chunk, or what came before a broken packet. */
  readonly accepted: Uint8Array
  /** The first broken rule in this chunk, if any; from then on nothing more is accepted. */
  readonly violation: IncomingViolation | undefined
}

const MALFORMED = ReasonCode.MalformedPacket
const PROTOCOL_ERROR = ReasonCode.ProtocolError
const TOO_LARGE = ReasonCode.PacketTooLarge

const typeNames = [
  'reserved type 0',
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'AUTH',
] as const

/** Packet types only a client sends (a server never does). */
const clientOnly = new Set([1, 8, 10, 12])

const malformed = (reason: string): IncomingViolation => ({ reasonCode: MALFORMED, reason })
const protocolError = (reason: string): IncomingViolation => ({ reasonCode: PROTOCOL_ERROR, reason })

/**
 * Checks the fixed header of every packet the broker sends (type, flags, Remaining Length and total
 * size) before MQTT.js's parser sees it, and keeps count of packet boundaries by skipping bodies
 * without buffering them. It catches what the parser skips silently (reserved types, QoS 3, a
 * 5-byte length) and refuses an oversized packet from its first bytes, before its body is read.
 * Packet bodies are left to the parser. One guard per network connection.
 * @example
 * const guard = new IncomingGuard(5, 16 * 1024 * 1024)
 * const { accepted, violation } = guard.check(chunk)
 */
export class IncomingGuard {
  readonly #protocolVersion: 3 | 4 | 5
  readonly #maxPacketSize: number
  /** Where in the current packet the next byte belongs. */
  #state: 'header' | 'length' | 'body' | 'refused' = 'header'
  #type = 0
  #qos = 0
  #length = 0
  #lengthBytes = 0
  #lastLengthByte = 0
  /** Body bytes of the current packet still to skip. */
  #remaining = 0
  #connacks = 0
  #packets = 0

  /**
   * @param protocolVersion the version spoken on the connection (AUTH exists under MQTT 5 only).
   * @param maxPacketSize the largest whole packet (fixed header included) accepted, in bytes.
   */
  constructor(protocolVersion: 3 | 4 | 5, maxPacketSize: number) {
    this.#protocolVersion = protocolVersion
    this.#maxPacketSize = maxPacketSize
  }

  /** Whether a violation was found: nothing more is accepted. */
  get refused(): boolean {
    return this.#state === 'refused'
  }

  /** Checks the next chunk read from the network. */
  check(chunk: Uint8Array): GuardVerdict {
    if (this.#state === 'refused') return { accepted: chunk.subarray(0, 0), violation: undefined }
    // Where the packet being read started in this chunk (0 when it began in an earlier one).
    let packetStart = 0
    let index = 0
    const size = chunk.length
    while (index < size) {
      if (this.#state === 'body') {
        const skipped = Math.min(this.#remaining, size - index)
        index += skipped
        this.#remaining -= skipped
        if (this.#remaining === 0) this.#state = 'header'
        continue
      }
      const byte = chunk[index] as number
      if (this.#state === 'header') {
        packetStart = index
        const violation = this.#header(byte)
        if (violation) return this.#refuse(chunk, packetStart, violation)
        this.#state = 'length'
        this.#length = 0
        this.#lengthBytes = 0
        index++
        continue
      }
      // 'length': one byte of the Variable Byte Integer (MQTT 5 §1.5.5), at most 4.
      this.#length += (byte & 0x7f) * 128 ** this.#lengthBytes
      this.#lengthBytes++
      this.#lastLengthByte = byte
      index++
      if (byte & 0x80) {
        if (this.#lengthBytes === 4) {
          return this.#refuse(chunk, packetStart, malformed('a Remaining Length longer than 4 bytes'))
        }
        continue
      }
      const violation = this.#lengthDone()
      if (violation) return this.#refuse(chunk, packetStart, violation)
      this.#remaining = this.#length
      this.#state = this.#length === 0 ? 'header' : 'body'
    }
    return { accepted: chunk, violation: undefined }
  }

  #refuse(chunk: Uint8Array, packetStart: number, violation: IncomingViolation): GuardVerdict {
    this.#state = 'refused'
    return { accepted: chunk.subarray(0, packetStart), violation }
  }

  /** Checks the first byte of a packet: its type and flags (MQTT 5 §2.1.2, §2.1.3). */
  #header(byte: number): IncomingViolation | undefined {
    const type = byte >> 4
    const flags = byte & 0x0f
    this.#type = type
    const name = typeNames[type] as string
    this.#packets++
    if (type === 0) return malformed('a packet of reserved type 0')
    if (type === 15 && this.#protocolVersion !== 5) {
      return malformed('a packet of type 15 (AUTH exists in MQTT 5 only)')
    }
    if (clientOnly.has(type)) return protocolError(`a ${name} packet (only clients send it)`)
    if (this.#packets === 1 && type !== 2 && type !== 15) {
      return protocolError(`a ${name} packet before CONNACK`)
    }
    if (type === 2 && ++this.#connacks > 1) return protocolError('a second CONNACK')
    if (type === 3) {
      const qos = (flags >> 1) & 3
      this.#qos = qos
      if (qos === 3) return malformed('a PUBLISH with QoS 3')
      if (qos === 0 && flags & 0x08) return malformed('a QoS 0 PUBLISH with the DUP flag set')
      return undefined
    }
    const required = type === 6 ? 0x02 : 0x00
    if (flags !== required)
      return malformed(`a ${name} packet with reserved flags ${flags} (not ${required})`)
    return undefined
  }

  /**
   * The shortest and longest Remaining Length of the current packet type (MQTT 3.1.1 §3, MQTT 5 §3):
   * e.g. every acknowledgement carries a packet identifier, and under 3.1.1 nothing more.
   */
  #bodySize(): [number, number] {
    const v5 = this.#protocolVersion === 5
    const any = Number.POSITIVE_INFINITY
    switch (this.#type) {
      case 2: // CONNACK
        return v5 ? [2, any] : [2, 2]
      case 3: // PUBLISH: topic length, and a packet identifier above QoS 0
        return [this.#qos > 0 ? 4 : 2, any]
      case 4: // PUBACK, PUBREC, PUBREL, PUBCOMP
      case 5:
      case 6:
      case 7:
        return v5 ? [2, any] : [2, 2]
      case 9: // SUBACK: identifier and one return code at least
        return [3, any]
      case 11: // UNSUBACK
        return v5 ? [3, any] : [2, 2]
      case 13: // PINGRESP
        return [0, 0]
      case 14: // DISCONNECT
        return v5 ? [0, any] : [0, 0]
      default:
        return [0, any]
    }
  }

  /** Checks the Remaining Length once read: minimal encoding, fixed sizes, the size bound. */
  #lengthDone(): IncomingViolation | undefined {
    if (this.#lengthBytes > 1 && this.#lastLengthByte === 0) {
      return malformed('a Remaining Length not encoded in the fewest bytes')
    }
    const name = typeNames[this.#type] as string
    const [least, most] = this.#bodySize()
    if (this.#length < least)
      return malformed(`a ${name} packet of ${this.#length} bytes after its fixed header (at least ${least})`)
    if (this.#length > most)
      return malformed(`a ${name} packet of ${this.#length} bytes after its fixed header (at most ${most})`)
    const total = 1 + this.#lengthBytes + this.#length
    if (total > this.#maxPacketSize) {
      return {
        reasonCode: TOO_LARGE,
        reason: `a ${name} packet of ${total} bytes (the most accepted is ${this.#maxPacketSize})`,
      }
    }
    return undefined
  }
}

/** The bytes of an MQTT 5 DISCONNECT with `reasonCode` and no properties (MQTT 5 §3.14). */
export function disconnectPacket(reasonCode: number): Uint8Array {
  return Uint8Array.of(0xe0, 0x01, reasonCode)
}
