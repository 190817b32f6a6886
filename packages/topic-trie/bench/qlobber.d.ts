// qlobber 8 ships no types; this covers what the benchmark uses.
declare module 'qlobber' {
  interface QlobberOptions {
    separator?: string
    wildcard_one?: string
    wildcard_some?: string
    match_empty_levels?: boolean
    max_words?: number
    max_wildcard_somes?: number
  }
  export class Qlobber<V = unknown> {
    constructor(options?: QlobberOptions)
    add(topic: string, value: V): this
    remove(topic: string, value?: V): this
    match(topic: string): V[]
    test(topic: string, value: V): boolean
    clear(): this
  }
  export class QlobberTrue {
    constructor(options?: QlobberOptions)
    add(topic: string): this
    test(topic: string): boolean
  }
}
