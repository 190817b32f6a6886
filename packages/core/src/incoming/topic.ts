import { matches, parseShared } from '@await-mqtt/topic-trie'
import { checkFilter, checkTopic } from '../validation/checks.js'

/**
 * A validated MQTT topic name, as messages carry it.
 * @example
 * const topic = new Topic('sensors/kitchen/temperature')
 * topic.levels // ['sensors', 'kitchen', 'temperature']
 * topic.matches('sensors/+/temperature') // true
 */
export class Topic {
  /** The topic name, e.g. `sensors/kitchen/temperature`. */
  readonly value: string
  #levels: readonly string[] | undefined

  /** @throws {@link MqttValidationError} when `value` is not a valid topic name. */
  constructor(value: string) {
    this.value = checkTopic(value)
  }

  /** The topic's levels (split at `/`; empty levels count). */
  get levels(): readonly string[] {
    this.#levels ??= Object.freeze(this.value.split('/'))
    return this.#levels
  }

  /**
   * Whether this topic matches `filter` (wildcards `+` and `#`; `$share/{group}/` is ignored).
   * @throws {@link MqttValidationError} when `filter` is not a valid filter.
   */
  matches(filter: string): boolean {
    checkFilter(filter)
    return matches(parseShared(filter)?.filter ?? filter, this.value)
  }

  /** The topic name. */
  toString(): string {
    return this.value
  }

  /** The topic name, so `JSON.stringify(message.topic)` gives a string. */
  toJSON(): string {
    return this.value
  }
}
