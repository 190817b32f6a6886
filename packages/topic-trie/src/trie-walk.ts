import { levelHash, tableGet } from './child-table.js'
import type { TrieNode } from './trie-node.js'

// The walk's explicit stack of pending `+` branches, shared by every trie: a walk runs to completion
// without calling user code, so walks never interleave. Entries are cleared when popped.
const pendingNodes: (TrieNode<unknown> | undefined)[] = []
const pendingStarts: number[] = []

/** Ends a walk early: forgets the pending branches so that the stack keeps no node alive. */
function hit(pending: number): true {
  for (let index = 0; index < pending; index++) pendingNodes[index] = undefined
  return true
}

function append<V>(result: V[], values: readonly V[]): void {
  for (let index = 0; index < values.length; index++) result.push(values[index] as V)
}

/**
 * Walks the trie under `root` along `topic` without splitting it or allocating: an inline edge (one
 * or more levels) is compared in place with `startsWith`, a table lookup hashes the level straight
 * from the topic, and `+` branches wait on an explicit stack, so the depth of a topic is not limited
 * by the call stack.
 *
 * With a `result`, appends every matching value and returns whether there was any; without one,
 * stops at the first match.
 */
export function walk<V>(root: TrieNode<V>, topic: string, result: V[] | undefined): boolean {
  const end = topic.length
  // A topic starting with `$` is not matched by a filter starting with a wildcard (section 4.7.2).
  const dollar = topic.charCodeAt(0) === 0x24
  let found = false
  let node = root
  let start = 0
  let pending = 0
  for (;;) {
    const wildcards = start !== 0 || !dollar
    if (node.restValues !== undefined && wildcards) {
      if (result === undefined) return hit(pending)
      append(result, node.restValues)
      found = true
    }
    let next: TrieNode<V> | undefined
    let after = 0
    if (start > end) {
      if (node.values !== undefined) {
        if (result === undefined) return hit(pending)
        append(result, node.values)
        found = true
      }
    } else {
      let stop = -1
      const key = node.key
      if (key !== undefined) {
        const keyEnd = start + key.length
        if (
          keyEnd <= end &&
          (keyEnd === end || topic.charCodeAt(keyEnd) === 0x2f) &&
          topic.startsWith(key, start)
        ) {
          next = node.child
          after = keyEnd + 1
        }
      } else if (node.table !== undefined) {
        stop = topic.indexOf('/', start)
        if (stop === -1) stop = end
        next = tableGet(node.table, topic, start, stop, levelHash(topic, start, stop))
        after = stop + 1
      }
      if (node.plus !== undefined && wildcards) {
        if (stop === -1) {
          stop = topic.indexOf('/', start)
          if (stop === -1) stop = end
        }
        if (next === undefined) {
          next = node.plus
          after = stop + 1
        } else {
          pendingNodes[pending] = node.plus
          pendingStarts[pending] = stop + 1
          pending++
        }
      }
    }
    if (next !== undefined) {
      node = next
      start = after
      continue
    }
    if (pending === 0) return found
    pending--
    node = pendingNodes[pending] as TrieNode<V>
    pendingNodes[pending] = undefined
    start = pendingStarts[pending] as number
  }
}
