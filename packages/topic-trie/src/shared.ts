import { sharePrefix, type TopicOptions } from './options.js'
import { checkGroupCharacters, checkSharedParts, validateFilter } from './validate.js'

/**
 * A shared subscription filter split into its parts.
 * @example const { group, filter }: SharedFilter = parseShared('$share/workers/jobs/#') ?? { group: '', filter: '' }
 */
export interface SharedFilter {
  /** The share name (`{group}` in `$share/{group}/{filter}`). */
  group: string
  /** The filter that messages are matched against. */
  filter: string
}

/**
 * Splits `$share/{group}/{filter}` (MQTT 5.0 section 4.8.2) after validating it; returns `undefined` for
 * an ordinary filter, and always under `protocolVersion` 3 or 4, where `$share` is an ordinary level.
 * @throws {@link TopicValidationError} when the filter is invalid: the group is empty or holds `+`/`#`,
 * the filter after it is missing or breaks a rule of section 4.7.
 * @example
 * parseShared('$share/workers/jobs/#') // { group: 'workers', filter: 'jobs/#' }
 * parseShared('jobs/#') // undefined
 */
export function parseShared(filter: string, options: TopicOptions = {}): SharedFilter | undefined {
  validateFilter(filter, options)
  if ((options.protocolVersion ?? 5) < 5 || !filter.startsWith(sharePrefix)) return undefined
  const start = checkSharedParts(filter)
  return { group: filter.slice(sharePrefix.length, start - 1), filter: filter.slice(start) }
}

/**
 * Builds `$share/{group}/{filter}`, the inverse of {@link parseShared}.
 * @throws {@link TopicValidationError} when the group is empty or holds `/`, `+` or `#`, or the filter is invalid.
 * @example formatShared('workers', 'jobs/#') // '$share/workers/jobs/#'
 */
export function formatShared(group: string, filter: string): string {
  const shared = `${sharePrefix}${group}/${filter}`
  checkGroupCharacters(group, shared)
  validateFilter(shared)
  return shared
}
