/**
 * A bad value as an error message quotes it: strings (cut at 40 characters), numbers, booleans,
 * null and undefined as they are, anything else by its type. Never calls the value's own
 * `toString`, which may throw or be missing (`{ toString: 0 }`, `Object.create(null)`).
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
