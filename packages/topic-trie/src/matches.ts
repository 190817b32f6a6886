import { sharedFilterStart, type TopicOptions } from './options.js'

/** Whether `a` from `aStart` and `b` from `bStart` hold the same `length` code units. */
function sameLevel(a: string, aStart: number, b: string, bStart: number, length: number): boolean {
  for (let offset = 0; offset < length; offset++) {
    if (a.charCodeAt(aStart + offset) !== b.charCodeAt(bStart + offset)) return false
  }
  return true
}

/**
 * Whether `topic` matches `filter` under MQTT 3.1.1/5.0 rules (sections 4.7 and 4.8.2): `+` is one whole
 * level (empty ones too), `#` the rest including the parent level, a topic starting with `$` is never
 * matched by a filter whose first level is a wildcard, and under MQTT 5 `$share/{group}/{filter}`
 * matches what `{filter}` matches. Neither argument is validated; this never allocates.
 * @example
 * matches('sport/#', 'sport') // true
 * matches('+/+', '/finance') // true
 * matches('#', '$SYS/uptime') // false
 * matches('$share/workers/jobs/+', 'jobs/42') // true
 */
export function matches(filter: string, topic: string, { protocolVersion }: TopicOptions = {}): boolean {
  let filterStart = sharedFilterStart(filter, protocolVersion)
  if (filterStart === -1) return false
  const dollar = topic.charCodeAt(0) === 0x24
  const firstLevel = filterStart
  let topicStart = 0
  for (;;) {
    let filterEnd = filter.indexOf('/', filterStart)
    if (filterEnd === -1) filterEnd = filter.length
    const wildcard = filterEnd - filterStart === 1 ? filter.charCodeAt(filterStart) : 0
    if (wildcard === 0x23) return !(dollar && filterStart === firstLevel)
    if (topicStart > topic.length) return false
    let topicEnd = topic.indexOf('/', topicStart)
    if (topicEnd === -1) topicEnd = topic.length
    if (wildcard === 0x2b) {
      if (dollar && filterStart === firstLevel) return false
    } else {
      const length = filterEnd - filterStart
      if (length !== topicEnd - topicStart || !sameLevel(filter, filterStart, topic, topicStart, length))
        return false
    }
    if (filterEnd === filter.length) return topicEnd === topic.length
    filterStart = filterEnd + 1
    topicStart = topicEnd + 1
  }
}
