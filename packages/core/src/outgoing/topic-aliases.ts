import { MqttValidationError } from '../errors/errors.js'
import type { IClientPublishOptions } from '../mqttjs/types.js'

/**
 * How PUBLISH topics use MQTT 5 topic aliases:
 * - `manual`: only the aliases you set (`properties.topicAlias`); publish with the topic and an
 *   alias once, then with `''` and the alias alone;
 * - `auto`: the client also gives each topic an alias on its first publish, within the broker's
 *   Topic Alias Maximum (CONNACK), and sends the alias alone for the same topic afterwards; when
 *   every alias is taken, the least recently used one is given to the new topic.
 */
export type TopicAliasMode = 'manual' | 'auto'

/**
 * The topic aliases this client has set on one network connection (MQTT 5 section 3.3.2.3.4):
 * alias → topic, as sent. A new table per CONNACK, since aliases do not outlive a connection.
 * It decides what goes on the wire: the alias alone only when the broker already knows it stands
 * for that topic on this connection; otherwise the topic with the alias (which sets it).
 */
export class OutgoingTopicAliases {
  /** The broker's Topic Alias Maximum; 0 when it takes none (and under MQTT 3.1.1). */
  readonly maximum: number
  readonly #auto: boolean
  /** In order of last use, least recent first (for `auto`'s replacements). */
  readonly #topics = new Map<number, string>()
  readonly #aliases = new Map<string, number>()

  constructor(maximum: number, mode: TopicAliasMode = 'manual') {
    this.maximum = maximum
    this.#auto = mode === 'auto' && maximum > 0
  }

  /** The topic `alias` stands for on this connection, if it was set. */
  topicOf(alias: number): string | undefined {
    return this.#topics.get(alias)
  }

  /**
   * The topic and options to hand to MQTT.js for one PUBLISH to `topic` (never empty: an
   * alias-only publish was resolved to its topic when called), updating the table.
   */
  apply(topic: string, options: IClientPublishOptions): [string, IClientPublishOptions] {
    const explicit = options.properties?.topicAlias
    if (explicit !== undefined) return [this.#use(topic, explicit), options]
    if (!this.#auto) return [topic, options]
    const alias = this.#aliases.get(topic) ?? this.#free()
    return [this.#use(topic, alias), { ...options, properties: { ...options.properties, topicAlias: alias } }]
  }

  /** Sets (or keeps) `alias` for `topic`; the topic to send: `''` when the alias already stood for it. */
  #use(topic: string, alias: number): string {
    const known = this.#topics.get(alias)
    this.#topics.delete(alias)
    this.#topics.set(alias, topic)
    if (known === topic) return ''
    if (known !== undefined) this.#aliases.delete(known)
    this.#aliases.set(topic, alias)
    return topic
  }

  /** An alias for a new topic: the lowest never used, else the least recently used one. */
  #free(): number {
    if (this.#topics.size < this.maximum) {
      for (let alias = 1; alias <= this.maximum; alias++) if (!this.#topics.has(alias)) return alias
    }
    const [leastRecent] = this.#topics.keys()
    return leastRecent ?? 1
  }
}

/**
 * The topic of an alias-only publish (`publish('', payload, { properties: { topicAlias } })`):
 * MQTT 5 allows it once the alias was set on this connection by a publish with the topic.
 * @throws {@link MqttValidationError} (`topic` or `properties.topicAlias`) when there is no alias, or
 * it was not set on the current connection.
 */
export function aliasedTopic(aliases: OutgoingTopicAliases | undefined, alias: number | undefined): string {
  if (alias === undefined) {
    throw new MqttValidationError(
      'topic must not be empty, unless properties.topicAlias names an alias set earlier on this connection (MQTT 5)',
      'topic',
    )
  }
  const topic = aliases?.topicOf(alias)
  if (topic === undefined) {
    throw new MqttValidationError(
      `properties.topicAlias ${alias} was not set on this connection: publish once with the topic and this alias first (aliases are per connection and forgotten when it drops)`,
      'properties.topicAlias',
    )
  }
  return topic
}
