/**
 * Whether `a` and `b` have the same own enumerable fields with the same values (`===`, not deep):
 * how settings that thousands of clients hold alike are found equal, to share one copy.
 */
export function sameFields(a: object, b: object): boolean {
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  const keys = Object.keys(left)
  if (keys.length !== Object.keys(right).length) return false
  return keys.every((key) => left[key] === right[key])
}
