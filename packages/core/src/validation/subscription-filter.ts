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
