import { Client } from './client.js'
import { describeValue } from './errors/describe-value.js'
import { MqttValidationError } from './errors/errors.js'
import { ReasonCode } from './errors/reason-codes.js'
import type { ClientOptions } from './options/client-options.js'

/**
 * Options of {@link withClient}.
 * @example
 * await withClient('mqtt://localhost', work, { publishWillOnError: false })
 */
export interface WithClientOptions {
  /**
   * When `fn` throws, close with DISCONNECT reason code 0x04 (Disconnect with Will Message), so the
   * broker publishes the client's will as it would for a crashed process. MQTT 5 only: under
   * MQTT 3.1.1 the DISCONNECT is always the normal one (no will). `false`: a normal DISCONNECT.
   * @default true
   */
  publishWillOnError?: boolean
}

/**
 * Connects, runs `fn` with the client and closes it afterwards, whether `fn` resolves or throws —
 * for code that cannot use `await using`. When `fn` throws, the DISCONNECT carries reason code
 * 0x04 (MQTT 5), so the broker publishes the will (`publishWillOnError: false` turns it off); when
 * it resolves, the DISCONNECT is the normal one and the will is discarded. `await using` always
 * sends the normal one.
 * @example
 * const count = await withClient('mqtt://localhost', async (client) => {
 *   await client.publish('measurements/humidity', 0.38)
 *   return 1
 * })
 */
export async function withClient<T>(
  target: string | ClientOptions,
  fn: (client: Client) => Promise<T>,
  options: WithClientOptions = {},
): Promise<T> {
  if (typeof fn !== 'function') throw new MqttValidationError('withClient needs a function to run', 'fn')
  if (typeof options !== 'object' || options === null) {
    throw new MqttValidationError('options must be an object', 'options')
  }
  const { publishWillOnError = true } = options
  if (typeof publishWillOnError !== 'boolean') {
    throw new MqttValidationError(
      `publishWillOnError must be a boolean, not ${describeValue(publishWillOnError)}`,
      'publishWillOnError',
    )
  }
  const client = await Client.connect(target)
  let result: T
  try {
    result = await fn(client)
  } catch (error) {
    const withWill = publishWillOnError && client.protocolVersion === 5
    await client.close(withWill ? { reasonCode: ReasonCode.DisconnectWithWillMessage } : {})
    throw error
  }
  await client.close()
  return result
}
