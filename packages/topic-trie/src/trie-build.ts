import { TrieNode } from './trie-node.js'

/**
 * Building and finding filters in the trie. A filter is handled as a string with a cursor: `from`
 * is where the current level starts and `end` where the levels to walk end (`filter.length`, or
 * before `/#`); `from === end + 1` means every level was walked.
 */

/** Where the level starting at `from` ends. */
function levelEnd(filter: string, from: number, end: number): number {
  const slash = filter.indexOf('/', from)
  return slash === -1 || slash > end ? end : slash
}

function isPlus(filter: string, from: number, stop: number): boolean {
  return stop - from === 1 && filter.charCodeAt(from) === 0x2b
}

/**
 * How many leading characters of `key` are whole levels equal to the levels of `filter` at `from`:
 * `key.length` when the whole edge matches, -1 when even its first level differs.
 */
function commonLevels(key: string, filter: string, from: number, end: number): number {
  let boundary = -1
  for (let index = 0; ; index++) {
    const keyDone = index === key.length
    const filterDone = from + index === end
    const keyCode = keyDone ? 0x2f : key.charCodeAt(index)
    if (keyCode !== (filterDone ? 0x2f : filter.charCodeAt(from + index))) return boundary
    if (keyCode === 0x2f) {
      boundary = index
      if (keyDone || filterDone) return boundary
    }
  }
}

/** The node for `filter` from `from` to `end` under `node`, created (splitting edges) where missing. */
export function findOrCreate<V>(node: TrieNode<V>, filter: string, from: number, end: number): TrieNode<V> {
  while (from <= end) {
    const stop = levelEnd(filter, from, end)
    if (isPlus(filter, from, stop)) {
      node.plus ??= new TrieNode<V>()
      node = node.plus
      from = stop + 1
    } else if (node.table !== undefined) {
      const level = filter.slice(from, stop)
      let child = node.tableChild(level)
      if (child === undefined) {
        child = new TrieNode<V>()
        node.addToTable(level, child)
      }
      node = child
      from = stop + 1
    } else if (node.key === undefined) {
      // A new edge takes every literal level up to the next `+`.
      let runEnd = stop
      while (runEnd < end) {
        const next = levelEnd(filter, runEnd + 1, end)
        if (isPlus(filter, runEnd + 1, next)) break
        runEnd = next
      }
      const child = new TrieNode<V>()
      node.setEdge(filter.slice(from, runEnd), child)
      node = child
      from = runEnd + 1
    } else {
      ;[node, from] = followOrSplit(node, node.key, filter, from, end)
    }
  }
  return node
}

function followOrSplit<V>(
  node: TrieNode<V>,
  key: string,
  filter: string,
  from: number,
  end: number,
): [TrieNode<V>, number] {
  const common = commonLevels(key, filter, from, end)
  const child = node.child as TrieNode<V>
  if (common === key.length) return [child, from + key.length + 1]
  if (common >= 0) {
    const middle = new TrieNode<V>()
    middle.setEdge(key.slice(common + 1), child)
    node.setEdge(key.slice(0, common), middle)
    return [middle, from + common + 1]
  }
  // The first level differs: the node needs a table of single levels.
  const slash = key.indexOf('/')
  let first = child
  if (slash !== -1) {
    first = new TrieNode<V>()
    first.setEdge(key.slice(slash + 1), child)
  }
  node.setTable([[slash === -1 ? key : key.slice(0, slash), first]])
  return [node, from]
}

/** A step of a path: the node reached and the label of the edge that led to it (`+` for the plus child). */
export interface Step<V> {
  node: TrieNode<V>
  label: string
}

/** The nodes from `root` to the node for `filter` (exclusive range `from`..`end`), or `undefined` when absent. */
export function findPath<V>(
  root: TrieNode<V>,
  filter: string,
  from: number,
  end: number,
): Step<V>[] | undefined {
  const path: Step<V>[] = [{ node: root, label: '' }]
  let node = root
  while (from <= end) {
    const stop = levelEnd(filter, from, end)
    let label: string
    let next: TrieNode<V> | undefined
    if (isPlus(filter, from, stop)) {
      label = '+'
      next = node.plus
    } else if (node.table !== undefined) {
      label = filter.slice(from, stop)
      next = node.tableChild(label)
    } else {
      label = node.key ?? ''
      next =
        node.key !== undefined && commonLevels(node.key, filter, from, end) === node.key.length
          ? node.child
          : undefined
    }
    if (next === undefined) return undefined
    from = label === '+' || node.table !== undefined ? stop + 1 : from + label.length + 1
    path.push({ node: next, label })
    node = next
  }
  return path
}

/** Drops the empty nodes at the end of `path` and merges edges that no longer branch. */
export function prune<V>(path: readonly Step<V>[]): void {
  let depth = path.length - 1
  for (; depth > 0; depth--) {
    const { node, label } = path[depth] as Step<V>
    if (!node.empty) break
    const parent = (path[depth - 1] as Step<V>).node
    if (parent.plus === node && label === '+') parent.plus = undefined
    else if (parent.table !== undefined) {
      parent.deleteFromTable(label)
    } else parent.setEdge(undefined, undefined)
  }
  // The deepest remaining node and its inline child may now form one edge.
  for (let index = Math.max(depth - 1, 0); index <= depth; index++) mergeEdge((path[index] as Step<V>).node)
}

/** Joins `node`'s inline edge with its child's when the child only passes through. */
function mergeEdge<V>(node: TrieNode<V>): void {
  const child = node.child
  if (node.key === undefined || child === undefined || !child.passThrough || child.key === undefined) return
  node.setEdge(`${node.key}/${child.key}`, child.child)
}
