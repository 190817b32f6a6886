import { type ProtocolVersion, sharedFilterStart, sharePrefix, type TopicOptions } from './options.js'
import { findOrCreate, findPath, prune } from './trie-build.js'
import { TrieNode } from './trie-node.js'
import { walk } from './trie-walk.js'
import { validateFilter } from './validate.js'

/**
 * Options of a {@link TopicTrie}.
 * @example const trie = new TopicTrie<string>({ protocolVersion: 4 })
 */
export interface TopicTrieOptions extends TopicOptions {}

/**
 * A filter located in the trie: its root (one per share name), where its levels start and where the
 * levels to walk end (before a trailing `/#`; -1 for `#` alone), and whether it ends in `#`.
 */
interface Located<V> {
  root: TrieNode<V> | undefined
  group: string | undefined
  from: number
  end: number
  rest: boolean
}

/** SameValueZero, like `Array.prototype.includes`. */
function indexOfValue<V>(list: readonly V[], value: V): number {
  if (typeof value !== 'number' || !Number.isNaN(value)) return list.indexOf(value)
  return list.findIndex((entry) => typeof entry === 'number' && Number.isNaN(entry))
}

/**
 * Stores values under MQTT topic filters and finds every value whose filter matches a topic, with the
 * exact semantics of MQTT 3.1.1/5.0 (sections 4.7 and 4.8.2). The cost of a match grows with the
 * topic's depth and the number of matches, not with the number of filters.
 *
 * Filters are validated when added. A (filter, value) pair added twice is stored twice (a multiset):
 * `match` returns it twice and `remove(filter, value)` removes one. Under MQTT 5 (the default),
 * `$share/{group}/{filter}` matches what `{filter}` matches and keeps its own name in `has`, `remove`
 * and iteration; under MQTT 3.1.1 it is an ordinary filter.
 *
 * @example
 * const trie = new TopicTrie<string>()
 * trie.add('sensors/+/temperature', 'thermometers').add('sensors/#', 'everything')
 * trie.match('sensors/kitchen/temperature') // ['everything', 'thermometers'] (in no set order)
 * trie.test('actuators/door') // false
 */
export class TopicTrie<V> implements Iterable<[filter: string, values: V[]]> {
  readonly #protocolVersion: ProtocolVersion
  #root = new TrieNode<V>()
  /**
   * One root per share name of `$share/{group}/...` filters; made by the first such filter (a
   * client holding thousands of tries without shared filters keeps no empty Map in each).
   */
  #groups: Map<string, TrieNode<V>> | undefined
  #size = 0

  constructor({ protocolVersion = 5 }: TopicTrieOptions = {}) {
    this.#protocolVersion = protocolVersion
  }

  /** The number of (filter, value) pairs stored. */
  get size(): number {
    return this.#size
  }

  /**
   * Stores `value` under `filter`.
   * @throws {@link TopicValidationError} when `filter` is not a valid topic filter.
   * @example new TopicTrie<number>().add('sport/#', 1).add('sport/+', 2).size // 2
   */
  add(filter: string, value: V): this {
    validateFilter(filter, { protocolVersion: this.#protocolVersion })
    const { group, from, end, rest } = this.#locate(filter)
    let root = this.#root
    if (group !== undefined) {
      this.#groups ??= new Map()
      root = this.#groups.get(group) ?? new TrieNode<V>()
      this.#groups.set(group, root)
    }
    const node = findOrCreate(root, filter, from, end)
    node.addValue(rest, value)
    this.#size++
    return this
  }

  /**
   * Removes one occurrence of `value` stored under `filter`, or every value under `filter` when no
   * value is given. Returns whether anything was removed.
   * @example
   * const trie = new TopicTrie<number>().add('a/+', 1).add('a/+', 2)
   * trie.remove('a/+', 1) // true
   * trie.remove('a/+') // true: removes 2
   */
  remove(filter: string, ...value: [value?: V]): boolean {
    const { root, group, from, end, rest } = this.#locate(filter)
    const path = root === undefined ? undefined : findPath(root, filter, from, end)
    const node = path?.[path.length - 1]?.node
    if (path === undefined || node === undefined) return false
    const list = node.valueList(rest)
    let removed = list.length
    if (value.length > 0) {
      const index = indexOfValue(list, value[0] as V)
      if (index === -1) return false
      list.splice(index, 1)
      removed = 1
    } else list.length = 0
    if (removed === 0) return false
    node.setValues(rest, list)
    this.#size -= removed
    prune(path)
    if (group !== undefined && root?.empty) this.#groups?.delete(group)
    return true
  }

  /**
   * Whether anything, or this `value`, is stored under `filter` (the very filter, not one that matches it).
   * @example new TopicTrie<number>().add('a/#', 1).has('a/#', 1) // true
   */
  has(filter: string, ...value: [value?: V]): boolean {
    const { root, from, end, rest } = this.#locate(filter)
    const path = root === undefined ? undefined : findPath(root, filter, from, end)
    const list = path?.[path.length - 1]?.node.valueList(rest) ?? []
    return value.length === 0 ? list.length > 0 : indexOfValue(list, value[0] as V) !== -1
  }

  /**
   * Every value whose filter matches `topic`, once per stored (filter, value) pair, in no set order.
   * The array is new on every call and never shared with the trie: callers may keep and mutate it.
   * `topic` is not validated (validate it once where it enters, with `validateTopic`).
   * @example new TopicTrie<string>().add('sport/#', 'all sport').match('sport') // ['all sport']
   */
  match(topic: string): V[] {
    const result: V[] = []
    walk(this.#root, topic, result)
    const groups = this.#groups
    if (groups !== undefined && groups.size > 0) for (const root of groups.values()) walk(root, topic, result)
    return result
  }

  /**
   * Whether any filter matches `topic`: the same walk as {@link TopicTrie.match}, stopping at the first
   * match and allocating no result.
   * @example new TopicTrie<string>().add('+/+', 'two levels').test('/finance') // true
   */
  test(topic: string): boolean {
    if (walk(this.#root, topic, undefined)) return true
    const groups = this.#groups
    if (groups !== undefined && groups.size > 0)
      for (const root of groups.values()) if (walk(root, topic, undefined)) return true
    return false
  }

  /**
   * Removes everything.
   * @example trie.clear()
   */
  clear(): void {
    this.#root = new TrieNode<V>()
    this.#groups = undefined
    this.#size = 0
  }

  /**
   * Every filter with a copy of its values, in no set order.
   * @example for (const [filter, values] of trie) console.log(filter, values.length)
   */
  *entries(): IterableIterator<[filter: string, values: V[]]> {
    yield* entriesOf(this.#root, '')
    for (const [group, root] of this.#groups ?? []) yield* entriesOf(root, `${sharePrefix}${group}/`)
  }

  /**
   * The same as {@link TopicTrie.entries}.
   * @example const filters = [...trie].map(([filter]) => filter)
   */
  [Symbol.iterator](): IterableIterator<[filter: string, values: V[]]> {
    return this.entries()
  }

  #locate(filter: string): Located<V> {
    const rest = filter === '#' || filter.endsWith('/#')
    const end = rest ? filter.length - 2 : filter.length
    const from = sharedFilterStart(filter, this.#protocolVersion)
    if (from === 0) return { root: this.#root, group: undefined, from, end, rest }
    if (from === -1) return { root: undefined, group: undefined, from, end, rest }
    const group = filter.slice(sharePrefix.length, from - 1)
    return { root: this.#groups?.get(group), group, from, end, rest }
  }
}

/** Every stored filter under `root`, depth first with an explicit stack (filters may be very deep). */
function* entriesOf<V>(root: TrieNode<V>, rootPrefix: string): IterableIterator<[string, V[]]> {
  const stack: [node: TrieNode<V>, prefix: string][] = [[root, rootPrefix]]
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, prefix] = top
    if (node.valueCount > 0) yield [prefix.slice(0, -1), node.valueList(false)]
    if (node.restCount > 0) yield [`${prefix}#`, node.valueList(true)]
    if (node.plus !== undefined) stack.push([node.plus, `${prefix}+/`])
    for (const [label, child] of node.edges()) stack.push([child, `${prefix}${label}/`])
  }
}
