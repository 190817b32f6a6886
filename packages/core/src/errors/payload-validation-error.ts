import { type MqttErrorOptions, MqttValidationError } from './errors.js'

/** One reason a payload failed its schema: the validator's message and where in the payload. */
export interface PayloadIssue {
  /** The validator's message, e.g. 'Expected number, received string'. */
  readonly message: string
  /** Where in the payload, e.g. `['readings', 0, 'celsius']`; empty for the payload itself. */
  readonly path: readonly PropertyKey[]
}

/**
 * A received payload did not pass the Standard Schema given to `message.json(schema)`,
 * `messages(filter, { schema })` or `subscribe(filter, { schema })` (or was not JSON). Its message
 * names the topic and the issues; `field` is `'payload'`. The stream it came from goes on.
 * @example
 * try { const { data } = await readings.next() } catch (error) {
 *   if (error instanceof MqttPayloadValidationError) console.warn(error.topic, error.issues)
 * }
 */
export class MqttPayloadValidationError extends MqttValidationError {
  override name = 'MqttPayloadValidationError'
  /** The topic the message was published to. */
  readonly topic: string
  /** What the validator reported (one issue saying so when the payload was not JSON). */
  readonly issues: readonly PayloadIssue[]

  constructor(topic: string, issues: readonly PayloadIssue[], options: MqttErrorOptions = {}) {
    super(`the payload received on ${topic} is invalid: ${describeIssues(issues)}`, 'payload', options)
    this.topic = topic
    this.issues = issues
  }
}

/** `celsius: Expected number; unit: Required`, at most three, then how many more. */
function describeIssues(issues: readonly PayloadIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join('.')
    return path === '' ? issue.message : `${path}: ${issue.message}`
  })
  const more = issues.length - shown.length
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '')
}
