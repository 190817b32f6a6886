import { TopicValidationError } from './errors.js'
import { matches } from './matches.js'
import type { PatternParams } from './pattern-types.js'
import { validateFilter } from './validate.js'

/**
 * A topic filter whose wildcards carry names; made by {@link pattern}.
 * @example const reading: TopicPattern<'sensors/+id'> = pattern('sensors/+id')
 */
export interface TopicPattern<Pattern extends string = string> {
  /** The pattern as given, e.g. `sensors/+id/#rest`. */
  readonly pattern: Pattern
  /** The MQTT filter to subscribe with, e.g. `sensors/+/#`. */
  readonly filter: string
  /**
   * The named levels of `topic`, or `undefined` when it does not match {@link TopicPattern.filter}.
   * `+name` gives the level as a string; `#name` gives the remaining levels as an array, `[]` when the
   * topic is the parent level itself (`sensors/#rest` on `sensors`) and `['']` for `sensors/`.
   */
  match(topic: string): PatternParams<Pattern> | undefined
}

interface Capture {
  name: string
  level: number
  rest: boolean
}

/**
 * Compiles a pattern with named wildcards: `+name` matches one level and captures it, `#name` matches
 * the remaining levels and captures them as an array; bare `+` and `#` match without capturing.
 * Names are the rest of their level and must be unique. The filter is validated as an MQTT 5 filter
 * (a `$share/{group}/` prefix is not supported in a pattern).
 * @throws {@link TopicValidationError} when the filter is invalid or a name repeats.
 * @example
 * const reading = pattern('sensors/+id/#rest')
 * reading.filter // 'sensors/+/#'
 * reading.match('sensors/kitchen/temperature/celsius') // { id: 'kitchen', rest: ['temperature', 'celsius'] }
 * reading.match('actuators/door') // undefined
 */
export function pattern<const Pattern extends string>(source: Pattern): TopicPattern<Pattern> {
  const captures: Capture[] = []
  const levels = source.split('/').map((level, index) => {
    const wildcard = level[0]
    if (wildcard !== '+' && wildcard !== '#') return level
    const name = level.slice(1)
    if (name !== '') {
      if (captures.some((capture) => capture.name === name)) {
        throw new TopicValidationError(
          'duplicate-pattern-name',
          source,
          `the name ${name} appears twice in ${source}`,
        )
      }
      captures.push({ name, level: index, rest: wildcard === '#' })
    }
    return wildcard
  })
  const filter = levels.join('/')
  try {
    validateFilter(filter, { protocolVersion: 4 })
  } catch (error) {
    if (!(error instanceof TopicValidationError)) throw error
    throw new TopicValidationError(error.rule, source, `${error.message} (from the pattern ${source})`)
  }
  return {
    pattern: source,
    filter,
    match(topic: string): PatternParams<Pattern> | undefined {
      if (!matches(filter, topic, { protocolVersion: 4 })) return undefined
      const params: Record<string, string | string[]> = {}
      if (captures.length === 0) return params as PatternParams<Pattern>
      const topicLevels = topic.split('/')
      for (const { name, level, rest } of captures) {
        params[name] = rest ? topicLevels.slice(level) : (topicLevels[level] as string)
      }
      return params as PatternParams<Pattern>
    },
  }
}
