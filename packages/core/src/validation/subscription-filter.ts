import { MqttValidationError } from '../errors/errors.js'
import { checkFilter } from './checks.js'

/**
 * The filter `subscribe()` sends for `source`, named wildcards stripped (`$share/g/sensors/+room` →
 * `$share/g/sensors/+`): checks a filter where it is registered, long before it is subscribed
 * (the Fastify plugin's and the Hono lifespan's `handle()`).
 * @throws {@link MqttValidationError} (field `filter`) for an invalid filter or pattern.
 * @example subscriptionFilter('sensors/+room/#rest') // 'sensors/+/#'
 */
export function subscriptionFilter(source: string): string {
  return checkFilter(source).filter
}

/**
 * Checks a subscription handler where it is registered (the Fastify plugin's and the Hono
 * lifespan's `handle()`): `handler` must be a function and `source` a valid filter or pattern.
 * Returns the filter `subscribe()` sends, as {@link subscriptionFilter} does.
 * @throws {@link MqttValidationError} (field `handler`, or `filter` with the reason) for either.
 * @example handlerFilter('jobs/+id', run) // 'jobs/+'
 */
export function handlerFilter(source: string, handler: unknown): string {
  if (typeof handler !== 'function') {
    throw new MqttValidationError(`the handler of ${source} must be a function`, 'handler')
  }
  try {
    return subscriptionFilter(source)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new MqttValidationError(`invalid subscription filter ${source}: ${reason}`, 'filter', {
      cause: error,
    })
  }
}
