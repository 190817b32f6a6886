import { describeValue } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'

/**
 * The PUBACK / PUBREC reason codes that refuse a message (MQTT 5 §3.4.2.1, §3.5.2.1): unspecified
 * error, implementation specific error, not authorized, topic name invalid, packet identifier in
 * use, quota exceeded, payload format invalid.
 */
const refusals: ReadonlySet<number> = new Set([0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99])

/**
 * @throws {@link MqttValidationError} (field `reasonCode`) unless `reasonCode` refuses a message in a
 * PUBACK/PUBREC, or under MQTT 3.1.1, which has no way to refuse one.
 */
export function checkRejectCode(reasonCode: unknown, protocolVersion: number): void {
  if (protocolVersion !== 5) {
    throw new MqttValidationError(
      'message.reject() needs MQTT 5: MQTT 3.1.1 has no way to refuse a message (leave it unacknowledged instead)',
      'reasonCode',
    )
  }
  if (typeof reasonCode !== 'number' || !refusals.has(reasonCode)) {
    throw new MqttValidationError(
      `reasonCode must be one of 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99, not ${describeValue(reasonCode)}`,
      'reasonCode',
    )
  }
}
