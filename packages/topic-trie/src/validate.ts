import { type TopicRule, TopicValidationError } from './errors.js'
import { type ProtocolVersion, sharePrefix, type TopicOptions } from './options.js'

/**
 * The most UTF-8 bytes an MQTT string may hold (section 1.5.4).
 * @example new TextEncoder().encode(topic).length <= maxTopicBytes
 */
export const maxTopicBytes = 65_535

type Kind = 'topic name' | 'topic filter'

const hasIsWellFormed = typeof ''.isWellFormed === 'function'

function describe(value: string): string {
  return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}…` : JSON.stringify(value)
}

function fail(rule: TopicRule, value: string, message: string): never {
  throw new TopicValidationError(rule, value, message)
}

/** UTF-8 length; -1 when `value` holds a lone surrogate. Never allocates. */
function utf8Length(value: string): number {
  let bytes = 0
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code < 0xd800 || code > 0xdfff) bytes += 3
    else {
      const next = value.charCodeAt(index + 1)
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return -1
      bytes += 4
      index++
    }
  }
  return bytes
}

/** The rules of section 1.5.4 (UTF-8 encoded strings) plus "at least one character" (4.7.3). */
function checkString(value: string, kind: Kind): void {
  if (value.length === 0) fail('empty', value, `a ${kind} must not be empty`)
  if (value.includes('\u0000'))
    fail('null-character', value, `a ${kind} must not contain U+0000: ${describe(value)}`)
  // Each UTF-16 code unit takes at most 3 UTF-8 bytes: short strings need no counting.
  const bytes = !hasIsWellFormed || value.length * 3 > maxTopicBytes ? utf8Length(value) : 0
  if (bytes === -1 || (hasIsWellFormed && !value.isWellFormed())) {
    fail(
      'lone-surrogate',
      value,
      `a ${kind} must be well-formed UTF-16 (no lone surrogate): ${describe(value)}`,
    )
  }
  if (bytes > maxTopicBytes) {
    fail(
      'too-long',
      value,
      `a ${kind} must fit in ${maxTopicBytes} UTF-8 bytes, not ${bytes}: ${describe(value)}`,
    )
  }
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
 * not empty, no U+0000, no lone surrogate, at most 65,535 UTF-8 bytes, no `+` or `#`.
 * @throws {@link TopicValidationError} naming the rule broken.
 * @example
 * validateTopic('sensors/kitchen/temperature') // fine
 * validateTopic('sensors/+') // throws, rule 'wildcard-in-topic-name'
 */
export function validateTopic(name: string): void {
  checkString(name, 'topic name')
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
export function validateFilter(filter: string, { protocolVersion = 5 }: TopicOptions = {}): void {
  checkString(filter, 'topic filter')
  if (isShared(filter, protocolVersion)) checkSharedParts(filter)
  else checkWildcards(filter, 0)
}

function isShared(filter: string, protocolVersion: ProtocolVersion): boolean {
  return protocolVersion >= 5 && filter.startsWith(sharePrefix)
}
