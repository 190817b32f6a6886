/**
 * Whether `topic` matches `filter` under MQTT 3.1.1/5.0 rules. Neither argument is validated.
 * @example matches('sport/#', 'sport') // true
 */
export function matches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/')
  const topicLevels = topic.split('/')
  if (topic.startsWith('$') && (filterLevels[0] === '+' || filterLevels[0] === '#')) return false
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index]
    if (level === '#') return true
    if (index >= topicLevels.length) return false
    if (level !== '+' && level !== topicLevels[index]) return false
  }
  return filterLevels.length === topicLevels.length
}
