import {
  type ChildTable,
  guardBit,
  levelHash,
  tableAdd,
  tableDelete,
  tableEntries,
  tableGet,
  tableGuard,
  tableOf,
  tableSize,
} from './child-table.js'

/**
 * One node of a {@link TopicTrie}. Literal children hang either from one inline edge (`key`/`child`),
 * whose key may span several levels (`a/b/c`: a chain without branches is one edge, as in a radix
 * tree), or, from the second literal child on, from a {@link ChildTable} keyed by single levels.
 * A filter's values are stored as they are while there is one (no array to reach through), and in an
 * array that is never handed out from the second on.
 */
export class TrieNode<V> {
  // Fields in the order the walk reads them (V8 lays them out in initialisation order).
  /** How many values `restValues` holds. */
  restCount = 0
  /**
   * A cheap first check before touching `key` or `table`: the hash of the inline edge's first level,
   * or the {@link tableGuard} of the table.
   */
  guard = 0
  /** The label of the inline edge: one or more literal levels joined by `/` (`''` is one empty level). */
  key: string | undefined = undefined
  /** How many levels `key` spans. */
  keyLevels = 0
  /** Where the inline edge leads. */
  child: TrieNode<V> | undefined = undefined
  /** The literal children by level, when there are two or more (then `key` and `child` are unset). */
  table: ChildTable<TrieNode<V>> | undefined = undefined
  /** The `+` child. */
  plus: TrieNode<V> | undefined = undefined
  /** How many values `values` holds. */
  valueCount = 0
  /** The values stored under the filter ending at this node: the value itself while `valueCount` is 1. */
  values: V | V[] | undefined = undefined
  /** The values stored under the filter `<this node>/#` (`#` at the root), like `values`. */
  restValues: V | V[] | undefined = undefined

  /** Sets (or, with `undefined`, drops) the inline edge. */
  setEdge(key: string | undefined, child: TrieNode<V> | undefined): void {
    this.key = key
    this.child = child
    let levels = 0
    this.guard = 0
    if (key !== undefined) {
      levels = 1
      for (let slash = key.indexOf('/'); slash !== -1; slash = key.indexOf('/', slash + 1)) levels++
      const first = key.indexOf('/')
      this.guard = levelHash(key, 0, first === -1 ? key.length : first)
    }
    this.keyLevels = levels
  }

  /** Replaces the inline edge by a table holding `entries`. */
  setTable(entries: readonly [level: string, child: TrieNode<V>][]): void {
    this.setEdge(undefined, undefined)
    this.table = tableOf(entries)
    this.guard = tableGuard(this.table)
  }

  /** Adds a child for a new single level to the table. */
  addToTable(level: string, child: TrieNode<V>): void {
    this.table = tableAdd(this.table as ChildTable<TrieNode<V>>, level, child)
    this.guard |= guardBit(levelHash(level, 0, level.length))
  }

  /**
   * Removes the child of `level` from the table, back to an inline edge when one child is left. The
   * guard of a large table keeps the bits of removed levels (still correct, only a weaker filter).
   */
  deleteFromTable(level: string): void {
    const table = this.table as ChildTable<TrieNode<V>>
    tableDelete(table, level)
    if (tableSize(table) === 1) {
      const [only] = tableEntries(table)
      this.table = undefined
      if (only !== undefined) this.setEdge(only[0], only[1])
    } else if (table.length <= 2 + 3 * 64) this.guard = tableGuard(table)
  }

  /** Whether the node holds nothing and can be dropped. */
  get empty(): boolean {
    return this.valueCount === 0 && this.restCount === 0 && this.plus === undefined && !this.branches
  }

  /** Stores one more value under this node's filter (`rest`: under `<this node>/#`). */
  addValue(rest: boolean, value: V): void {
    const count = rest ? this.restCount : this.valueCount
    const stored = rest ? this.restValues : this.values
    const next = count === 0 ? value : count === 1 ? [stored as V, value] : stored
    if (count > 1) (stored as V[]).push(value)
    if (rest) {
      this.restValues = next
      this.restCount = count + 1
    } else {
      this.values = next
      this.valueCount = count + 1
    }
  }

  /** A copy of the values under this node's filter (`rest`: under `<this node>/#`). */
  valueList(rest: boolean): V[] {
    const count = rest ? this.restCount : this.valueCount
    const stored = rest ? this.restValues : this.values
    return count === 0 ? [] : count === 1 ? [stored as V] : [...(stored as V[])]
  }

  /** Replaces the values under this node's filter (`rest`: under `<this node>/#`). */
  setValues(rest: boolean, list: readonly V[]): void {
    const stored = list.length === 0 ? undefined : list.length === 1 ? list[0] : [...list]
    if (rest) {
      this.restValues = stored
      this.restCount = list.length
    } else {
      this.values = stored
      this.valueCount = list.length
    }
  }

  /** Whether the node has literal children. */
  get branches(): boolean {
    return this.child !== undefined || this.table !== undefined
  }

  /** Whether the node only passes through to its inline edge, so that it can be merged into the edge above. */
  get passThrough(): boolean {
    return (
      this.values === undefined &&
      this.restValues === undefined &&
      this.plus === undefined &&
      this.table === undefined
    )
  }

  /** The child reached by the single literal level `level`, from a table (an inline edge is matched by the caller). */
  tableChild(level: string): TrieNode<V> | undefined {
    return this.table === undefined
      ? undefined
      : tableGet(this.table, level, 0, level.length, levelHash(level, 0, level.length))
  }

  /** Every literal edge with its label. */
  *edges(): IterableIterator<[label: string, child: TrieNode<V>]> {
    if (this.table !== undefined) yield* tableEntries(this.table)
    else if (this.child !== undefined) yield [this.key as string, this.child]
  }
}
