import { TopicValidationError } from './errors.js'

const maxBytes = 65_535

function describe(value: string): string {
  return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}…` : JSON.stringify(value)
}

/** UTF-8 length of a well-formed string, without allocating. */
function utf8Length(value: string): number {
  let bytes = 0
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4
      index++
    } else bytes += 3
  }
  return bytes
}

function validateString(value: string, kind: 'topic name' | 'topic filter'): void {
  if (value.length === 0) throw new TopicValidationError('empty', value, `a ${kind} must not be empty`)
  if (value.includes('\u0000')) {
    throw new TopicValidationError(
      'null-character',
      value,
      `a ${kind} must not contain U+0000: ${describe(value)}`,
    )
  }
  if (!value.isWellFormed()) {
    throw new TopicValidationError(
      'lone-surrogate',
      value,
      `a ${kind} must be well-formed UTF-16: ${describe(value)}`,
    )
  }
  if (value.length * 3 > maxBytes) {
    const bytes = utf8Length(value)
    if (bytes > maxBytes) {
      throw new TopicValidationError(
        'too-long',
        value,
        `a ${kind} must fit in ${maxBytes} UTF-8 bytes, not ${bytes}`,
      )
    }
  }
}

/**
 * Checks a topic name (what a PUBLISH carries) against MQTT 3.1.1/5.0 section 4.7.
 * @throws {@link TopicValidationError} naming the rule broken.
 * @example validateTopic('sensors/kitchen/temperature')
 */
export function validateTopic(name: string): void {
  validateString(name, 'topic name')
  if (name.includes('+') || name.includes('#')) {
    throw new TopicValidationError(
      'wildcard-in-topic-name',
      name,
      `a topic name must not contain + or #: ${describe(name)}`,
    )
  }
}

/**
 * Checks a topic filter (what a SUBSCRIBE carries), including `$share/{group}/{filter}`.
 * @throws {@link TopicValidationError} naming the rule broken.
 * @example validateFilter('sensors/+/temperature')
 */
export function validateFilter(filter: string): void {
  validateString(filter, 'topic filter')
  const levels = filter.split('/')
  for (let index = 0; index < levels.length; index++) {
    const level = levels[index] as string
    if (level.includes('#')) {
      if (level !== '#') {
        throw new TopicValidationError(
          'multi-level-wildcard-not-whole-level',
          filter,
          `# must occupy a whole level: ${describe(filter)}`,
        )
      }
      if (index !== levels.length - 1) {
        throw new TopicValidationError(
          'multi-level-wildcard-not-last',
          filter,
          `# must be the last level: ${describe(filter)}`,
        )
      }
    }
    if (level.includes('+') && level !== '+') {
      throw new TopicValidationError(
        'single-level-wildcard-not-whole-level',
        filter,
        `+ must occupy a whole level: ${describe(filter)}`,
      )
    }
  }
}
