/** Flattens an intersection into one object type, for readable hovers. */
type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** What one level of a pattern captures: `+name` a string, `#name` the list of remaining levels. */
type LevelParams<Level extends string> = Level extends `+${infer Name}`
  ? Name extends ''
    ? unknown
    : { [K in Name]: string }
  : Level extends `#${infer Name}`
    ? Name extends ''
      ? unknown
      : { [K in Name]: string[] }
    : unknown

/** Tail-recursive walk over the levels of a pattern literal. */
type CollectParams<Pattern extends string, Found> = Pattern extends `${infer Level}/${infer Rest}`
  ? CollectParams<Rest, Found & LevelParams<Level>>
  : Found & LevelParams<Pattern>

/**
 * The parameters a pattern such as `'sensors/+id/#rest'` captures: `{ id: string; rest: string[] }`.
 * For a pattern that is not a literal type, any name may hold a string or a list of levels.
 * @example type P = PatternParams<'sensors/+id/#rest'> // { id: string; rest: string[] }
 */
export type PatternParams<Pattern extends string> = string extends Pattern
  ? Record<string, string | string[]>
  : Simplify<CollectParams<Pattern, unknown>>
