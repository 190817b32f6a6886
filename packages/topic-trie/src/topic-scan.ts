import { finishHash, hashOffset, hashPrime } from './child-table.js'

/**
 * The levels of the topic being walked, found lazily: where each level ends and its hash (the
 * {@link levelHash} of the level), computed at most once per walk and only as deep as the walk goes.
 * Shared by every trie: a walk runs to completion without calling user code, so walks never interleave.
 */
let stops = new Int32Array(64)
let hashes = new Int32Array(64)
/** How many levels are known. */
let scanned = 0
/** Where the next level starts; past the end of the topic once it is exhausted. */
let position = 0

/** Starts scanning a new topic. */
export function resetScan(): void {
  scanned = 0
  position = 0
}

/** Makes `level` known if `topic` has that many levels; returns whether it has. */
export function scanTo(topic: string, level: number): boolean {
  const end = topic.length
  while (scanned <= level) {
    if (position > end) return false
    let hash = hashOffset
    let index = position
    for (; index < end; index++) {
      const code = topic.charCodeAt(index)
      if (code === 0x2f) break
      hash = Math.imul(hash ^ code, hashPrime)
    }
    if (scanned === stops.length) grow()
    stops[scanned] = index
    hashes[scanned] = finishHash(hash)
    scanned++
    position = index + 1
  }
  return true
}

/** Where a known `level` starts. */
export function levelStart(level: number): number {
  return level === 0 ? 0 : (stops[level - 1] as number) + 1
}

/** Where a known `level` ends (the index of the `/` after it, or the topic's length). */
export function levelStop(level: number): number {
  return stops[level] as number
}

/** The {@link levelHash} of a known `level`. */
export function levelHashAt(level: number): number {
  return hashes[level] as number
}

function grow(): void {
  const biggerStops = new Int32Array(stops.length * 2)
  biggerStops.set(stops)
  stops = biggerStops
  const biggerHashes = new Int32Array(hashes.length * 2)
  biggerHashes.set(hashes)
  hashes = biggerHashes
}
