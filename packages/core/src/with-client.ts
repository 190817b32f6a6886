import { Client } from './client.js'
import { MqttValidationError } from './errors.js'
import type { ClientOptions } from './options.js'

/**
 * Connects, runs `fn` with the client and closes it afterwards, whether `fn` resolves or throws —
 * for code that cannot use `await using`.
 * @example
 * const count = await withClient('mqtt://localhost', async (client) => {
 *   await client.publish('measurements/humidity', 0.38)
 *   return 1
 * })
 */
export async function withClient<T>(
  target: string | ClientOptions,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  if (typeof fn !== 'function') throw new MqttValidationError('withClient needs a function to run', 'fn')
  const client = await Client.connect(target)
  try {
    return await fn(client)
  } finally {
    await client.close()
  }
}
