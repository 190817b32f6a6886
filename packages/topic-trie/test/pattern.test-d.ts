import { describe, expectTypeOf, it } from 'vitest'
import { type PatternParams, pattern, type TopicPattern } from '../src/index.js'

describe('pattern() types', () => {
  it('types + names as strings and # names as string arrays', () => {
    const reading = pattern('sensors/+id/#rest')
    expectTypeOf(reading).toEqualTypeOf<TopicPattern<'sensors/+id/#rest'>>()
    expectTypeOf(reading.match('x')).toEqualTypeOf<{ id: string; rest: string[] } | undefined>()
  })

  it('gives an object type without keys to patterns without names', () => {
    expectTypeOf<keyof PatternParams<'a/+/b/#'>>().toEqualTypeOf<never>()
    expectTypeOf<keyof PatternParams<'+'>>().toEqualTypeOf<never>()
    expectTypeOf(pattern('a/+').match('a/b')).toExtend<object | undefined>()
  })

  it('collects names from every level', () => {
    expectTypeOf<PatternParams<'+site/+building/floor/+room/#path'>>().toEqualTypeOf<{
      site: string
      building: string
      room: string
      path: string[]
    }>()
  })

  it('falls back to a record for patterns that are not literal types', () => {
    const source: string = 'a/+id'
    expectTypeOf(pattern(source).match('a/b')).toEqualTypeOf<Record<string, string | string[]> | undefined>()
  })

  it('does not let a property that is not in the pattern be read', () => {
    const params = pattern('a/+id').match('a/b')
    // @ts-expect-error: `name` is not captured by 'a/+id'
    params?.name
  })
})
