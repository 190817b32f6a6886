/**
 * An open-addressing hash table (linear probing, at most half full) of the literal children of a trie
 * node, in one flat array so that a lookup touches one object: index 0 holds the mask (capacity - 1),
 * index 1 the count, and slot `s` holds `[hash, level, child]` at `2 + 3s`; hash 0 marks a free slot.
 * Levels are hashed straight from the topic (no `slice`, no allocation, no engine string hashing).
 */
export type ChildTable<N> = (number | string | N)[]

/** FNV-1a: the starting value and the multiplier of each step (`Math.imul(hash ^ code, hashPrime)`). */
export const hashOffset = 0x811c9dc5
export const hashPrime = 0x01000193

/** Maps an FNV-1a state to a table hash: never 0 (a free slot), small enough to stay a small integer. */
export function finishHash(hash: number): number {
  return hash & 0x3fffffff || 1
}

/**
 * The bit a level sets in a node's guard, a 30-bit Bloom filter of its table's levels: a lookup whose
 * bit is clear misses without touching the table. Uses the high bits of the hash (the table uses the low).
 */
export function guardBit(hash: number): number {
  return 1 << ((hash >>> 20) % 30)
}

/** The guard of a table: the {@link guardBit} of every level in it. */
export function tableGuard<N>(table: ChildTable<N>): number {
  let guard = 0
  for (let base = 2; base < table.length; base += 3)
    if (table[base] !== 0) guard |= guardBit(table[base] as number)
  return guard
}

/** The hash of `text` from `start` to `end` (FNV-1a over UTF-16 code units). */
export function levelHash(text: string, start: number, end: number): number {
  let hash = hashOffset
  for (let index = start; index < end; index++) hash = Math.imul(hash ^ text.charCodeAt(index), hashPrime)
  return finishHash(hash)
}

function emptyTable<N>(capacity: number): ChildTable<N> {
  const table: ChildTable<N> = new Array(2 + 3 * capacity).fill(0)
  table[0] = capacity - 1
  table[1] = 0
  return table
}

/** The child stored for the level `text.slice(start, end)`, whose {@link levelHash} is `hash`. */
export function tableGet<N>(
  table: ChildTable<N>,
  text: string,
  start: number,
  end: number,
  hash: number,
): N | undefined {
  const mask = table[0] as number
  const length = end - start
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const base = 2 + 3 * slot
    const stored = table[base]
    if (stored === 0) return undefined
    if (stored === hash) {
      const level = table[base + 1] as string
      if (level.length === length && text.startsWith(level, start)) return table[base + 2] as N
    }
  }
}

function place<N>(table: ChildTable<N>, hash: number, level: string, child: N): void {
  const mask = table[0] as number
  let slot = hash & mask
  while (table[2 + 3 * slot] !== 0) slot = (slot + 1) & mask
  const base = 2 + 3 * slot
  table[base] = hash
  table[base + 1] = level
  table[base + 2] = child
  table[1] = (table[1] as number) + 1
}

/** A table holding `entries`, sized for them. */
export function tableOf<N>(entries: readonly [level: string, child: N][]): ChildTable<N> {
  let capacity = 4
  while (capacity < entries.length * 2) capacity *= 2
  const table = emptyTable<N>(capacity)
  for (const [level, child] of entries) place(table, levelHash(level, 0, level.length), level, child)
  return table
}

/** Adds a child for a level that is not in the table yet; returns the table (a new one when it grew). */
export function tableAdd<N>(table: ChildTable<N>, level: string, child: N): ChildTable<N> {
  const count = table[1] as number
  const capacity = (table[0] as number) + 1
  const target = (count + 1) * 2 > capacity ? tableOf([...tableEntries(table)]) : table
  place(target, levelHash(level, 0, level.length), level, child)
  return target
}

/** Removes the child of `level`, if any, keeping every probe chain intact (backward-shift deletion). */
export function tableDelete<N>(table: ChildTable<N>, level: string): void {
  const mask = table[0] as number
  const hash = levelHash(level, 0, level.length)
  let hole = hash & mask
  for (; ; hole = (hole + 1) & mask) {
    const stored = table[2 + 3 * hole]
    if (stored === 0) return
    if (stored === hash && table[3 + 3 * hole] === level) break
  }
  table[1] = (table[1] as number) - 1
  for (let slot = (hole + 1) & mask; table[2 + 3 * slot] !== 0; slot = (slot + 1) & mask) {
    const home = (table[2 + 3 * slot] as number) & mask
    // The entry at `slot` may move back into the hole unless its home lies cyclically in (hole, slot].
    const stays = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot
    if (stays) continue
    for (let offset = 0; offset < 3; offset++)
      table[2 + 3 * hole + offset] = table[2 + 3 * slot + offset] as N
    hole = slot
  }
  table[2 + 3 * hole] = 0
  table[3 + 3 * hole] = 0
  table[4 + 3 * hole] = 0
}

/** How many children the table holds. */
export function tableSize<N>(table: ChildTable<N>): number {
  return table[1] as number
}

/** Every (level, child) of the table. */
export function* tableEntries<N>(table: ChildTable<N>): IterableIterator<[string, N]> {
  for (let base = 2; base < table.length; base += 3) {
    if (table[base] !== 0) yield [table[base + 1] as string, table[base + 2] as N]
  }
}
