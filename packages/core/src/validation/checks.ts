import { parseShared, TopicValidationError, validateFilter, validateTopic } from '@await-mqtt/topic-trie'
import { describeValue } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'
import type { CallOptions, QoS, QueueOptions, UserProperties } from '../options/client-options.js'
import type { StreamLimits } from '../options/stream-limits.js'
import { type FilterPattern, filterPattern } from './filter-pattern.js'
import { checkUserProperties as checkMqttUserProperties } from './mqtt-strings.js'

function wrap(field: string, check: () => void): void {
  try {
    check()
  } catch (error) {
    if (error instanceof TopicValidationError) {
      throw new MqttValidationError(error.message, field, { cause: error })
    }
    throw error
  }
}

/** A checked topic filter and the filter that incoming messages are matched against. */
export interface CheckedFilter {
  /** As given, e.g. `$share/workers/jobs/#`. */
  filter: string
  /** What messages are routed by, e.g. `jobs/#` (the filter without its `$share/{group}/` prefix). */
  match: string
  /** Whether this is a shared subscription. */
  shared: boolean
  /** When the filter was given with named wildcards (`sensors/+room`): what they capture from a topic. */
  params?: FilterPattern['params']
  /** With named wildcards: the filter as given (`filter` is what is subscribed). */
  source?: string
}

/** The topic name checked last, and whether strictly: a loop publishing to one topic checks it once. */
let lastValidTopic: string | undefined
let lastValidStrict = false

/**
 * @throws {@link MqttValidationError} unless `topic` is a valid topic name; with `strict` (what the
 * client sends, unless `strictUtf8: false`) also without control characters or non-characters.
 */
export function checkTopic(topic: unknown, field = 'topic', strict = false): string {
  if (typeof topic === 'string' && topic === lastValidTopic && (lastValidStrict || !strict)) return topic
  if (typeof topic !== 'string') throw new MqttValidationError(`a ${field} must be a string`, field)
  wrap(field, () => validateTopic(topic, { strict }))
  lastValidTopic = topic
  lastValidStrict = strict
  return topic
}

/**
 * Checks a filter as given to `subscribe()` or `messages()`: shared ones included, and named
 * wildcards (`sensors/+room`), which are stripped from the filter (`sensors/+`) and kept as `params`.
 * @throws {@link MqttValidationError} unless `source` is a valid topic filter (or pattern).
 */
export function checkFilter(source: unknown, field = 'filter', strict = false): CheckedFilter {
  if (typeof source !== 'string') throw new MqttValidationError(`a ${field} must be a string`, field)
  let named: FilterPattern | undefined
  wrap(field, () => {
    named = filterPattern(source)
  })
  const filter = named?.filter ?? source
  let match = filter
  let shared = false
  wrap(field, () => {
    validateFilter(filter, { strict })
    const parts = parseShared(filter)
    if (parts) {
      match = parts.filter
      shared = true
    }
  })
  return named === undefined
    ? { filter, match, shared }
    : { filter, match, shared, params: named.params, source }
}

/** @throws {@link MqttValidationError} unless `filters` is one filter or a non-empty list of distinct filters. */
export function checkFilters(filters: unknown, strict = false): CheckedFilter[] {
  const list: unknown = typeof filters === 'string' ? [filters] : filters
  if (!Array.isArray(list) || list.length === 0) {
    throw new MqttValidationError('give a topic filter or a non-empty array of them', 'filter')
  }
  // A for loop, not map(): map skips the holes of a sparse array (`[, 'a']`), which must be refused.
  const checked: CheckedFilter[] = []
  for (let index = 0; index < list.length; index++) {
    const filter: unknown = list[index]
    if (typeof filter !== 'string') {
      throw new MqttValidationError(
        `filter ${index} must be a string, not ${describeValue(filter)}`,
        'filter',
      )
    }
    checked.push(checkFilter(filter, 'filter', strict))
  }
  if (checked.length > 1 && new Set(checked.map((entry) => entry.filter)).size !== checked.length) {
    throw new MqttValidationError('the same topic filter is listed twice', 'filter')
  }
  return checked
}

/** @throws {@link MqttValidationError} unless `qos` is 0, 1 or 2 (undefined gives 0). */
export function checkQoS(qos: unknown, field = 'qos'): QoS {
  if (qos === undefined) return 0
  if (qos !== 0 && qos !== 1 && qos !== 2) {
    throw new MqttValidationError(`${field} must be 0, 1 or 2, not ${describeValue(qos)}`, field)
  }
  return qos
}

/** @throws {@link MqttValidationError} unless `value` is a boolean or undefined. */
export function checkBoolean(value: unknown, field: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw new MqttValidationError(`${field} must be a boolean`, field)
  return value
}

/** @throws {@link MqttValidationError} unless `options` is undefined or an object (null is not). */
export function checkOptionsObject(options: unknown): void {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new MqttValidationError('options must be an object', 'options')
  }
}

/** Checks `signal` and `timeout`; returns the timeout to use (`Infinity` means none). */
export function checkCallOptions(options: CallOptions | undefined, defaultTimeout: number): number {
  checkOptionsObject(options)
  if (options === undefined) return defaultTimeout
  const { signal, timeout = defaultTimeout } = options
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new MqttValidationError('signal must be an AbortSignal', 'signal')
  }
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout <= 0) {
    throw new MqttValidationError(
      `timeout must be a positive number of ms, not ${describeValue(timeout)}`,
      'timeout',
    )
  }
  return timeout
}

/** @throws {@link MqttValidationError} unless the queue bounds are sensible. */
export function checkQueueOptions(options: QueueOptions, defaults: StreamLimits): StreamLimits {
  // Nothing to change: the defaults themselves (checked when they were made), not a copy per stream.
  if (
    options.maxQueued === undefined &&
    options.maxQueuedBytes === undefined &&
    options.overflow === undefined
  )
    return defaults
  const {
    maxQueued = defaults.maxQueued,
    maxQueuedBytes = defaults.maxQueuedBytes,
    overflow = defaults.overflow,
  } = options
  for (const [field, value] of [
    ['maxQueued', maxQueued],
    ['maxQueuedBytes', maxQueuedBytes],
  ] as const) {
    if (value === undefined) continue
    if (!(Number.isInteger(value) || value === Number.POSITIVE_INFINITY) || value < 1) {
      throw new MqttValidationError(`${field} must be a positive integer, not ${describeValue(value)}`, field)
    }
  }
  if (overflow !== 'drop-oldest' && overflow !== 'drop-newest' && overflow !== 'error') {
    throw new MqttValidationError(
      `overflow must be 'drop-oldest', 'drop-newest' or 'error', not ${describeValue(overflow)}`,
      'overflow',
    )
  }
  return maxQueuedBytes === undefined ? { maxQueued, overflow } : { maxQueued, maxQueuedBytes, overflow }
}

/** @throws {@link MqttValidationError} unless every user property is a string or a list of strings. */
export function checkUserProperties(
  properties: UserProperties | undefined,
  field = 'userProperties',
  strict = false,
): void {
  checkMqttUserProperties(properties, field, strict)
}

/** @throws {@link MqttValidationError} when an MQTT 5 feature is used on an older protocol version. */
export function requireMqtt5(protocolVersion: number, used: boolean, field: string): void {
  if (used && protocolVersion < 5) {
    throw new MqttValidationError(
      `${field} needs MQTT 5, but this connection speaks MQTT ${protocolVersion === 4 ? '3.1.1' : '3.1'}`,
      field,
    )
  }
}
