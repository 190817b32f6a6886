class TrieNode<V> {
  readonly children = new Map<string, TrieNode<V>>()
  plus: TrieNode<V> | undefined
  /** Values stored under the filter ending at this node. */
  values: V[] | undefined
  /** Values stored under the filter `<this node>/#`. */
  hashValues: V[] | undefined
}

function removeValue<V>(
  list: V[] | undefined,
  value: V | undefined,
  hasValue: boolean,
): [V[] | undefined, number] {
  if (list === undefined) return [undefined, 0]
  if (!hasValue) return [undefined, list.length]
  const index = list.indexOf(value as V)
  if (index === -1) return [list, 0]
  list.splice(index, 1)
  return [list.length === 0 ? undefined : list, 1]
}

/**
 * Stores values under MQTT topic filters and finds every value whose filter matches a topic.
 * The cost of a match grows with the topic's depth and the number of matches, not the number of filters.
 *
 * @example
 * const trie = new TopicTrie<string>()
 * trie.add('sensors/+/temperature', 'thermometer')
 * trie.match('sensors/kitchen/temperature') // ['thermometer']
 */
export class TopicTrie<V> implements Iterable<[filter: string, values: V[]]> {
  #root = new TrieNode<V>()
  #size = 0

  /** The number of (filter, value) pairs stored. */
  get size(): number {
    return this.#size
  }

  /** Stores `value` under `filter`; adding the same pair twice stores it twice. */
  add(filter: string, value: V): this {
    const levels = filter.split('/')
    let node = this.#root
    const last = levels.length - 1
    for (let index = 0; index <= last; index++) {
      const level = levels[index] as string
      if (level === '#' && index === last) {
        node.hashValues ??= []
        node.hashValues.push(value)
        this.#size++
        return this
      }
      node = this.#child(node, level, true) as TrieNode<V>
    }
    node.values ??= []
    node.values.push(value)
    this.#size++
    return this
  }

  /** Removes one `value` stored under `filter`, or every value when none is given. Returns whether anything was removed. */
  remove(filter: string, ...value: [V?]): boolean {
    const levels = filter.split('/')
    const path: TrieNode<V>[] = [this.#root]
    let node: TrieNode<V> | undefined = this.#root
    const last = levels.length - 1
    const hash = levels[last] === '#'
    for (let index = 0; index < (hash ? last : levels.length); index++) {
      node = this.#child(node, levels[index] as string, false)
      if (node === undefined) return false
      path.push(node)
    }
    const [list, removed] = removeValue(hash ? node.hashValues : node.values, value[0], value.length > 0)
    if (hash) node.hashValues = list
    else node.values = list
    this.#size -= removed
    this.#prune(path, levels)
    return removed > 0
  }

  /** Whether anything (or this `value`) is stored under `filter`. */
  has(filter: string, ...value: [V?]): boolean {
    const levels = filter.split('/')
    let node: TrieNode<V> | undefined = this.#root
    const last = levels.length - 1
    const hash = levels[last] === '#'
    for (let index = 0; index < (hash ? last : levels.length); index++) {
      node = this.#child(node, levels[index] as string, false)
      if (node === undefined) return false
    }
    const list = hash ? node.hashValues : node.values
    if (list === undefined) return false
    return value.length === 0 || list.includes(value[0] as V)
  }

  /**
   * Every value whose filter matches `topic`, once per stored (filter, value) pair.
   * The returned array is new: callers may mutate it.
   */
  match(topic: string): V[] {
    const result: V[] = []
    const levels = topic.split('/')
    this.#collect(this.#root, levels, 0, topic.startsWith('$'), result)
    return result
  }

  /** Whether any filter matches `topic`. */
  test(topic: string): boolean {
    return this.match(topic).length > 0
  }

  /** Removes everything. */
  clear(): void {
    this.#root = new TrieNode<V>()
    this.#size = 0
  }

  /** Every filter with a copy of its values. */
  *[Symbol.iterator](): IterableIterator<[string, V[]]> {
    yield* this.#entries(this.#root, [])
  }

  *#entries(node: TrieNode<V>, prefix: string[]): IterableIterator<[string, V[]]> {
    if (node.values) yield [prefix.join('/'), [...node.values]]
    if (node.hashValues) yield [[...prefix, '#'].join('/'), [...node.hashValues]]
    if (node.plus) yield* this.#entries(node.plus, [...prefix, '+'])
    for (const [level, child] of node.children) yield* this.#entries(child, [...prefix, level])
  }

  #child(node: TrieNode<V>, level: string, create: boolean): TrieNode<V> | undefined {
    if (level === '+') {
      if (create) node.plus ??= new TrieNode<V>()
      return node.plus
    }
    let child = node.children.get(level)
    if (child === undefined && create) {
      child = new TrieNode<V>()
      node.children.set(level, child)
    }
    return child
  }

  #collect(node: TrieNode<V>, levels: string[], index: number, dollar: boolean, result: V[]): void {
    const wildcardsAllowed = !(dollar && index === 0)
    if (node.hashValues && wildcardsAllowed) result.push(...node.hashValues)
    if (index === levels.length) {
      if (node.values) result.push(...node.values)
      return
    }
    const level = levels[index] as string
    const child = node.children.get(level)
    if (child) this.#collect(child, levels, index + 1, dollar, result)
    if (node.plus && wildcardsAllowed) this.#collect(node.plus, levels, index + 1, dollar, result)
  }

  #prune(path: TrieNode<V>[], levels: string[]): void {
    for (let depth = path.length - 1; depth > 0; depth--) {
      const node = path[depth] as TrieNode<V>
      if (node.values || node.hashValues || node.plus || node.children.size > 0) return
      const parent = path[depth - 1] as TrieNode<V>
      const level = levels[depth - 1] as string
      if (level === '+') parent.plus = undefined
      else parent.children.delete(level)
    }
  }
}
