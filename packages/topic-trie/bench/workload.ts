/** The benchmark's inputs: seeded, so every run and every matcher sees the same filters and topics. */

/** A small seeded PRNG (mulberry32): numbers in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** How many distinct words each level draws from: few at the top, many further down, like real hierarchies. */
export const vocabularySizes = [16, 128, 1024, 1024, 1024, 1024, 1024] as const

export interface Workload {
  filters: string[]
  topics: string[]
}

export interface WorkloadOptions {
  filters: number
  topics: number
  seed?: number
}

/**
 * `filters` distinct random filters of 4–7 levels where each level is `+` with probability 0.1 and
 * 5% of the filters end in `#` (replacing their last level); and `topics` topic names: half made from
 * a random stored filter (wildcards filled with random words, `#` with 0–2 levels: they match), half
 * random 4–7 level topics from the same vocabulary (most match nothing).
 */
export function workload({ filters: filterCount, topics: topicCount, seed = 42 }: WorkloadOptions): Workload {
  const next = random(seed)
  const pick = (count: number) => Math.floor(next() * count)
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  const vocabulary = vocabularySizes.map((size, level) =>
    Array.from({ length: size }, (_, index) => {
      let word = ''
      for (let length = 3 + pick(8); word.length < length; ) word += letters[pick(letters.length)]
      return `${word}${level}${index}`
    }),
  )
  const word = (level: number) => {
    const words = vocabulary[Math.min(level, vocabulary.length - 1)] as string[]
    return words[pick(words.length)] as string
  }
  const unique = new Set<string>()
  while (unique.size < filterCount) {
    const levels = 4 + pick(4)
    const parts: string[] = []
    for (let level = 0; level < levels; level++) parts.push(next() < 0.1 ? '+' : word(level))
    if (next() < 0.05) parts[levels - 1] = '#'
    unique.add(parts.join('/'))
  }
  const filters = [...unique]
  const topics: string[] = []
  for (let index = 0; index < topicCount; index++) {
    const parts: string[] = []
    if (index % 2 === 0) {
      const levels = (filters[pick(filters.length)] as string).split('/')
      for (const [level, part] of levels.entries()) {
        if (part === '#') for (let extra = pick(3); extra > 0; extra--) parts.push(word(parts.length))
        else parts.push(part === '+' ? word(level) : part)
      }
    } else {
      for (let level = 0, levels = 4 + pick(4); level < levels; level++) parts.push(word(level))
    }
    topics.push(parts.join('/'))
  }
  return { filters, topics }
}
