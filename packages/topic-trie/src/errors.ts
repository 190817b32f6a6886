/** The rule of MQTT 3.1.1 / 5.0 section 4.7 that a topic name or filter broke. */
export type TopicRule =
  | 'empty'
  | 'null-character'
  | 'too-long'
  | 'lone-surrogate'
  | 'wildcard-in-topic-name'
  | 'multi-level-wildcard-not-last'
  | 'multi-level-wildcard-not-whole-level'
  | 'single-level-wildcard-not-whole-level'
  | 'shared-subscription-empty-group'
  | 'shared-subscription-invalid-group'
  | 'shared-subscription-missing-filter'

/** Thrown by the validators when a topic name or filter breaks a rule of the MQTT specification. */
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
