import { type PatternParams, pattern } from '@await-mqtt/topic-trie'

/** A level that names its wildcard: `+room`, `#rest`. */
const namedLevel = /(?:^|\/)[+#][^/]/

/** `$share/{group}/` before a pattern: `pattern()` leaves shared subscriptions to its caller. */
const sharePrefix = /^(\$share\/[^/]*\/)(.*)$/s

/** A filter with named wildcards, compiled: what goes on the wire, and what the names capture. */
export interface FilterPattern {
  /** The filter without names, e.g. `$share/g/sensors/+/temperature` for `$share/g/sensors/+room/temperature`. */
  filter: string
  /** The named levels of `topic` (matched against the filter without `$share/{group}/`), or `undefined`. */
  params: (topic: string) => PatternParams<string> | undefined
}

/**
 * Compiles `source` when it has named wildcards (`sensors/+room/#rest`, also behind
 * `$share/{group}/`); `undefined` for a plain filter, which costs nothing more.
 * @throws what `pattern()` throws (`TopicValidationError`): an invalid filter, a repeated name.
 */
export function filterPattern(source: string): FilterPattern | undefined {
  const shared = sharePrefix.exec(source)
  const rest = shared?.[2] ?? source
  if (!namedLevel.test(rest)) return undefined
  const compiled = pattern(rest)
  return { filter: (shared?.[1] ?? '') + compiled.filter, params: (topic) => compiled.match(topic) }
}
