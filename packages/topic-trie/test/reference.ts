/**
 * A tiny reference matcher, independent of the trie and of `matches()`: it turns a filter into a
 * regular expression, straight from the wording of MQTT 3.1.1/5.0 sections 4.7 and 4.8.2.
 */
export function referenceMatches(filter: string, topic: string, protocolVersion: 3 | 4 | 5 = 5): boolean {
  let body = filter
  if (protocolVersion === 5 && filter.startsWith('$share/')) {
    const slash = filter.indexOf('/', '$share/'.length)
    if (slash === -1) return false
    body = filter.slice(slash + 1)
  }
  // 4.7.2: a topic starting with $ is not matched by a filter starting with a wildcard level.
  if (topic.startsWith('$') && /^[+#](\/|$)/.test(body)) return false
  const levels = body.split('/')
  const rest = levels[levels.length - 1] === '#'
  const literal = (level: string) => level.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  const head = (rest ? levels.slice(0, -1) : levels)
    .map((level) => (level === '+' ? '[^/]*' : literal(level)))
    .join('\\/')
  // 4.7.1.2: `#` matches the parent level and any number of child levels.
  const source = !rest ? `^${head}$` : levels.length === 1 ? '^[\\s\\S]*$' : `^${head}(?:\\/[\\s\\S]*)?$`
  return new RegExp(source).test(topic)
}
