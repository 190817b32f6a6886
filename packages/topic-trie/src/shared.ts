import { TopicValidationError } from './errors.js'
import { validateFilter } from './validate.js'

/** A shared subscription filter split into its parts. */
export interface SharedFilter {
  /** The share name (`{group}` in `$share/{group}/{filter}`). */
  group: string
  /** The filter that messages are matched against. */
  filter: string
}

const prefix = '$share/'

/**
 * Splits `$share/{group}/{filter}` (MQTT 5.0 section 4.8.2); returns `undefined` for an ordinary filter.
 * @throws {@link TopicValidationError} when the group is empty or holds `+`/`#`, or the filter is missing.
 * @example parseShared('$share/workers/jobs/#') // { group: 'workers', filter: 'jobs/#' }
 */
export function parseShared(filter: string): SharedFilter | undefined {
  if (!filter.startsWith(prefix)) return undefined
  const slash = filter.indexOf('/', prefix.length)
  const group = slash === -1 ? filter.slice(prefix.length) : filter.slice(prefix.length, slash)
  if (group.length === 0) {
    throw new TopicValidationError(
      'shared-subscription-empty-group',
      filter,
      `a shared subscription needs a group: ${filter}`,
    )
  }
  if (group.includes('+') || group.includes('#')) {
    throw new TopicValidationError(
      'shared-subscription-invalid-group',
      filter,
      `a share name must not contain + or #: ${filter}`,
    )
  }
  const rest = slash === -1 ? '' : filter.slice(slash + 1)
  if (rest.length === 0) {
    throw new TopicValidationError(
      'shared-subscription-missing-filter',
      filter,
      `a shared subscription needs a filter after the group: ${filter}`,
    )
  }
  validateFilter(rest)
  return { group, filter: rest }
}
