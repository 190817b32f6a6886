import { type ChildTable, levelHash, tableEntries, tableGet } from './child-table.js'

/**
 * One node of a {@link TopicTrie}. Literal children hang either from one inline edge (`key`/`child`),
 * whose key may span several levels (`a/b/c`: a chain without branches is one edge, as in a radix
 * tree), or, from the second literal child on, from a {@link ChildTable} keyed by single levels.
 * Values live in arrays that are never handed out.
 */
export class TrieNode<V> {
  /** The label of the inline edge: one or more literal levels joined by `/` (`''` is one empty level). */
  key: string | undefined = undefined
  /** Where the inline edge leads. */
  child: TrieNode<V> | undefined = undefined
  /** The literal children by level, when there are two or more (then `key` and `child` are unset). */
  table: ChildTable<TrieNode<V>> | undefined = undefined
  /** The `+` child. */
  plus: TrieNode<V> | undefined = undefined
  /** Values stored under the filter ending at this node. */
  values: V[] | undefined = undefined
  /** Values stored under the filter `<this node>/#` (`#` at the root). */
  restValues: V[] | undefined = undefined

  /** Whether the node holds nothing and can be dropped. */
  get empty(): boolean {
    return (
      this.values === undefined && this.restValues === undefined && this.plus === undefined && !this.branches
    )
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
