import { MqttValidationError } from '../errors/errors.js'
import type { ClientOptions } from './client-options.js'

/**
 * An empty `clientId` asks the broker to assign one, which each protocol version allows only in
 * some combinations; the others are refused here, before any socket opens, instead of failing as
 * a connection closed before CONNACK (mqtt-packet refuses to encode them, so nothing is sent).
 * @throws {@link MqttValidationError} (`clientId`) saying which combination is refused and why.
 */
export function validateEmptyClientId(options: ClientOptions): void {
  if (options.clientId !== '') return
  if (options.protocolVersion === 3) {
    throw new MqttValidationError(
      'clientId must not be empty under MQTT 3.1 (protocolVersion 3), which needs 1 to 23 characters; use MQTT 3.1.1 or 5 for a broker-assigned id',
      'clientId',
    )
  }
  if (options.clean === false) {
    const why =
      options.protocolVersion === 4
        ? 'MQTT 3.1.1 allows an empty client id only with a clean session (section 3.1.3.1)'
        : 'the broker assigns a new id on every connection, so the session could never be resumed (and MQTT.js cannot encode it)'
    throw new MqttValidationError(
      `an empty clientId needs clean: true: ${why}; give a clientId to keep a session`,
      'clientId',
    )
  }
}
