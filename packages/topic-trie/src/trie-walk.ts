import { guardBit, tableGet } from './child-table.js'
import { levelHashAt, levelStart, levelStop, resetScan, scanTo } from './topic-scan.js'
import type { TrieNode } from './trie-node.js'

// The walk's explicit stack of pending `+` branches, shared by every trie like the topic scan.
// Entries are cleared when popped, so the stack keeps no node alive.
const pendingNodes: (TrieNode<unknown> | undefined)[] = []
const pendingLevels: number[] = []

/** Ends a walk early: forgets the pending branches. */
function hit(pending: number): true {
  for (let index = 0; index < pending; index++) pendingNodes[index] = undefined
  return true
}

function append<V>(result: V[], values: V | V[] | undefined, count: number): void {
  if (count === 1) result.push(values as V)
  else for (let index = 0; index < count; index++) result.push((values as V[])[index] as V)
}

/**
 * Walks the trie under `root` along `topic` without splitting it or allocating: each level is scanned
 * and hashed once, an inline edge (one or more levels) is compared in place with `startsWith`, a table
 * lookup uses the level's hash, and `+` branches wait on an explicit stack, so the depth of a topic is
 * not limited by the call stack.
 *
 * With a `result`, appends every matching value and returns whether there was any; without one,
 * stops at the first match.
 */
export function walk<V>(root: TrieNode<V>, topic: string, result: V[] | undefined): boolean {
  resetScan()
  // A topic starting with `$` is not matched by a filter starting with a wildcard (section 4.7.2).
  const dollar = topic.charCodeAt(0) === 0x24
  let found = false
  let node = root
  let level = 0
  let pending = 0
  for (;;) {
    const wildcards = level !== 0 || !dollar
    if (node.restCount !== 0 && wildcards) {
      if (result === undefined) return hit(pending)
      append(result, node.restValues, node.restCount)
      found = true
    }
    let next: TrieNode<V> | undefined
    let nextLevel = level + 1
    if (!scanTo(topic, level)) {
      if (node.valueCount !== 0) {
        if (result === undefined) return hit(pending)
        append(result, node.values, node.valueCount)
        found = true
      }
    } else {
      const key = node.key
      if (key !== undefined) {
        // The guard holds the hash of the edge's first level: most misses never read the key.
        if (node.guard === levelHashAt(level)) {
          const last = level + node.keyLevels - 1
          if (scanTo(topic, last)) {
            const start = levelStart(level)
            if (levelStop(last) - start === key.length && topic.startsWith(key, start)) {
              next = node.child
              nextLevel = last + 1
            }
          }
        }
      } else if (node.table !== undefined) {
        const hash = levelHashAt(level)
        if ((node.guard & guardBit(hash)) !== 0) {
          next = tableGet(node.table, topic, levelStart(level), levelStop(level), hash)
        }
      }
      if (node.plus !== undefined && wildcards) {
        if (next === undefined) {
          next = node.plus
          nextLevel = level + 1
        } else {
          pendingNodes[pending] = node.plus
          pendingLevels[pending] = level + 1
          pending++
        }
      }
    }
    if (next !== undefined) {
      node = next
      level = nextLevel
      continue
    }
    if (pending === 0) return found
    pending--
    node = pendingNodes[pending] as TrieNode<V>
    pendingNodes[pending] = undefined
    level = pendingLevels[pending] as number
  }
}
