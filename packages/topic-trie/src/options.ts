/**
 * The MQTT protocol level: 3 (MQTT 3.1), 4 (MQTT 3.1.1) or 5 (MQTT 5.0). It only changes how
 * `$share/{group}/{filter}` is read: a shared subscription under MQTT 5, an ordinary filter before.
 * @example const version: ProtocolVersion = 4 // MQTT 3.1.1
 */
export type ProtocolVersion = 3 | 4 | 5

/**
 * Options of the functions and classes that read topic filters.
 * @example matches('$share/g/jobs', 'jobs', { protocolVersion: 4 }) // false: an ordinary filter in 3.1.1
 */
export interface TopicOptions {
  /**
   * Under MQTT 5, `$share/{group}/{filter}` is a shared subscription (section 4.8.2): it matches what
   * `{filter}` matches. Under 3 and 4 it is an ordinary filter whose first level is `$share`.
   * @default 5
   */
  protocolVersion?: ProtocolVersion
}

/** The `$share/` prefix of a shared subscription (MQTT 5.0 section 4.8.2). */
export const sharePrefix = '$share/'

/**
 * Where the filter part of `$share/{group}/{filter}` starts, 0 for an ordinary filter, or -1 when a
 * shared filter has no `/` after its group. Does not validate.
 */
export function sharedFilterStart(filter: string, protocolVersion: ProtocolVersion | undefined): number {
  if (protocolVersion !== undefined && protocolVersion < 5) return 0
  if (!filter.startsWith(sharePrefix)) return 0
  const slash = filter.indexOf('/', sharePrefix.length)
  return slash === -1 ? -1 : slash + 1
}
