import { describeValue } from './describe-value.js'
import { MqttValidationError } from './errors.js'
import type { ClientOptions } from './options.js'

/** Default of `maxIncomingPacketSize`: 16 MiB. */
export const defaultMaxIncomingPacketSize = 16 * 1024 * 1024

/** The largest packet MQTT can encode: a 4-byte Remaining Length of 268,435,455 plus the fixed header. */
const largestPacket = 268_435_455 + 5

/**
 * The largest packet the client accepts from the broker: `maxIncomingPacketSize`, or under MQTT 5
 * `properties.maximumPacketSize` (what CONNECT told the broker) when that is smaller.
 * @throws {@link MqttValidationError} unless `maxIncomingPacketSize` is an integer from 16 to 268,435,460.
 */
export function incomingPacketBound(options: ClientOptions): number {
  const { maxIncomingPacketSize = defaultMaxIncomingPacketSize } = options
  if (
    typeof maxIncomingPacketSize !== 'number' ||
    !Number.isInteger(maxIncomingPacketSize) ||
    maxIncomingPacketSize < 16 ||
    maxIncomingPacketSize > largestPacket
  ) {
    throw new MqttValidationError(
      `maxIncomingPacketSize must be an integer from 16 to ${largestPacket}, not ${describeValue(maxIncomingPacketSize)}`,
      'maxIncomingPacketSize',
    )
  }
  const advertised =
    options.protocolVersion === 3 || options.protocolVersion === 4
      ? undefined
      : options.properties?.maximumPacketSize
  return typeof advertised === 'number' && advertised > 0
    ? Math.min(advertised, maxIncomingPacketSize)
    : maxIncomingPacketSize
}
