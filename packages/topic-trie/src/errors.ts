/**
 * The rule of MQTT 3.1.1 / 5.0 (sections 1.5.4, 4.7, 4.8.2) that a topic name or filter broke, or the
 * naming rule of a `pattern()` (`duplicate-pattern-name`).
 * @example if (error instanceof TopicValidationError && error.rule === 'too-long') shorten()
 */
export type TopicRule =
  | 'empty'
  | 'null-character'
  | 'too-long'
  | 'lone-surrogate'
  | 'control-character'
  | 'non-character'
  | 'wildcard-in-topic-name'
  | 'multi-level-wildcard-not-last'
  | 'multi-level-wildcard-not-whole-level'
  | 'single-level-wildcard-not-whole-level'
  | 'shared-subscription-empty-group'
  | 'shared-subscription-invalid-group'
  | 'shared-subscription-missing-filter'
  | 'duplicate-pattern-name'

/**
 * Thrown by the validators when a topic name or filter breaks a rule of the MQTT specification.
 * @example
 * try { validateFilter('sport/#/ranking') } catch (error) {
 *   if (error instanceof TopicValidationError) error.rule // 'multi-level-wildcard-not-last'
 * }
 */
export class TopicValidationError extends Error {
  override readonly name = 'TopicValidationError'
  /** Which rule was broken. */
  readonly rule: TopicRule
  /** The offending topic name or filter. */
  readonly topic: string

  constructor(rule: TopicRule, topic: string, message: string) {
    super(message)
    this.rule = rule
    this.topic = topic
  }
}
