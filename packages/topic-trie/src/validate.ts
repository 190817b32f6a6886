import { type TopicRule, TopicValidationError } from './errors.js'
import { type ProtocolVersion, sharePrefix, type TopicOptions } from './options.js'
import {
  maxStringBytes,
  mqttStringProblem,
  type StringCheckOptions,
  type StringRule,
  utf8ByteLength,
} from './utf8.js'

/**
 * Options of {@link validateFilter}: the protocol version and, with `strict`, the rules brokers such
 * as mosquitto add (no control characters, no non-characters; see {@link mqttStringProblem}).
 * @example validateFilter('a/\u0001', { strict: true }) // throws, rule 'control-character'
 */
export interface ValidateOptions extends TopicOptions, StringCheckOptions {}

/**
 * The most UTF-8 bytes an MQTT string may hold (section 1.5.4).
 * @example new TextEncoder().encode(topic).length <= maxTopicBytes
 */
export const maxTopicBytes = maxStringBytes

type Kind = 'topic name' | 'topic filter'

function describe(value: string): string {
  return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}…` : JSON.stringify(value)
}

function fail(rule: TopicRule, value: string, message: string): never {
  throw new TopicValidationError(rule, value, message)
}

/** The rules of section 1.5.4 (UTF-8 encoded strings) plus "at least one character" (4.7.3). */
function checkString(value: string, kind: Kind, strict: boolean): void {
  if (value.length === 0) fail('empty', value, `a ${kind} must not be empty`)
  const problem = mqttStringProblem(value, { strict })
  if (problem === undefined) return
  fail(problem.rule, value, `a ${kind} ${explain(problem.rule, problem.reason, value)}: ${describe(value)}`)
}

function explain(rule: StringRule, reason: string, value: string): string {
  if (rule === 'null-character') return 'must not contain U+0000'
  if (rule === 'lone-surrogate') return 'must be well-formed UTF-16 (no lone surrogate)'
  if (rule === 'too-long') return `must fit in ${maxTopicBytes} UTF-8 bytes, not ${utf8ByteLength(value)}`
  return reason
}

/** `+` and `#` occupy whole levels, `#` only the last one (section 4.7.1), from `start` on. */
function checkWildcards(filter: string, start: number): void {
  const end = filter.length
  for (let index = start; index < end; index++) {
    const code = filter.charCodeAt(index)
    if (code !== 0x23 && code !== 0x2b) continue
    const whole =
      (index === start || filter.charCodeAt(index - 1) === 0x2f) &&
      (index + 1 === end || filter.charCodeAt(index + 1) === 0x2f)
    if (code === 0x2b) {
      if (!whole)
        fail(
          'single-level-wildcard-not-whole-level',
          filter,
          `+ must occupy a whole level: ${describe(filter)}`,
        )
    } else if (!whole) {
      fail('multi-level-wildcard-not-whole-level', filter, `# must occupy a whole level: ${describe(filter)}`)
    } else if (index + 1 !== end) {
      fail('multi-level-wildcard-not-last', filter, `# must be the last level: ${describe(filter)}`)
    }
  }
}

/**
 * Checks the `$share/{group}/{filter}` parts (section 4.8.2) of a filter that starts with `$share/`
 * and whose string rules were checked. Returns where `{filter}` starts.
 */
export function checkSharedParts(filter: string): number {
  const groupStart = sharePrefix.length
  let slash = filter.indexOf('/', groupStart)
  if (slash === -1) slash = filter.length
  if (slash === groupStart) {
    fail(
      'shared-subscription-empty-group',
      filter,
      `a shared subscription needs a group: ${describe(filter)}`,
    )
  }
  checkGroupCharacters(filter.slice(groupStart, slash), filter)
  if (slash + 1 >= filter.length) {
    fail(
      'shared-subscription-missing-filter',
      filter,
      `a shared subscription needs a filter after its group: ${describe(filter)}`,
    )
  }
  checkWildcards(filter, slash + 1)
  return slash + 1
}

/** A share name must not contain `/`, `+` or `#` (section 4.8.2). */
export function checkGroupCharacters(group: string, shown: string): void {
  if (group.includes('/') || group.includes('+') || group.includes('#')) {
    fail(
      'shared-subscription-invalid-group',
      shown,
      `a share name must not contain /, + or #: ${describe(group)} in ${describe(shown)}`,
    )
  }
}

/**
 * Checks a topic name (what a PUBLISH carries) against MQTT 3.1.1/5.0 sections 1.5.4 and 4.7:
 * not empty, no U+0000, no lone surrogate, at most 65,535 UTF-8 bytes, no `+` or `#`; with `strict`,
 * no control character or non-character either (what mosquitto refuses).
 * @throws {@link TopicValidationError} naming the rule broken.
 * @example
 * validateTopic('sensors/kitchen/temperature') // fine
 * validateTopic('sensors/+') // throws, rule 'wildcard-in-topic-name'
 * validateTopic('rooms/\u0001', { strict: true }) // throws, rule 'control-character'
 */
export function validateTopic(name: string, { strict = false }: StringCheckOptions = {}): void {
  checkString(name, 'topic name', strict)
  if (name.includes('+') || name.includes('#')) {
    fail('wildcard-in-topic-name', name, `a topic name must not contain + or #: ${describe(name)}`)
  }
}

/**
 * Checks a topic filter (what a SUBSCRIBE carries) against MQTT 3.1.1/5.0 sections 1.5.4 and 4.7 and,
 * under MQTT 5, the `$share/{group}/{filter}` form of section 4.8.2.
 * @throws {@link TopicValidationError} naming the rule broken.
 * @example
 * validateFilter('sensors/+/temperature') // fine
 * validateFilter('sport/#/ranking') // throws, rule 'multi-level-wildcard-not-last'
 * validateFilter('$share//jobs') // throws, rule 'shared-subscription-empty-group'
 * validateFilter('$share//jobs', { protocolVersion: 4 }) // fine: an ordinary filter under MQTT 3.1.1
 */
export function validateFilter(
  filter: string,
  { protocolVersion = 5, strict = false }: ValidateOptions = {},
): void {
  checkString(filter, 'topic filter', strict)
  if (isShared(filter, protocolVersion)) checkSharedParts(filter)
  else checkWildcards(filter, 0)
}

function isShared(filter: string, protocolVersion: ProtocolVersion): boolean {
  return protocolVersion >= 5 && filter.startsWith(sharePrefix)
}
