import fc from 'fast-check'

/** Literal levels: a small vocabulary (so that filters and topics meet), `$` words, empty and unicode levels. */
export const level: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('a', 'b', 'A', 'sport', '$SYS', '$a', '', 'é', 'e\u0301', '\u{1f321}', ' '),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 3 })
      .filter((text) => !/[/+#]/.test(text) && !text.includes('\u0000') && text.isWellFormed()),
  },
)

/** Topic names of 1–8 levels (the empty topic is left out: it is not a valid topic name). */
export const topic: fc.Arbitrary<string> = fc
  .array(level, { minLength: 1, maxLength: 8 })
  .map((levels) => levels.join('/'))
  .filter((name) => name.length > 0)

const filterLevel = fc.oneof({ weight: 3, arbitrary: level }, { weight: 1, arbitrary: fc.constant('+') })

/** Valid filters: random levels or `+`, maybe ending in `#`, maybe shared (`$share/{group}/...`). */
export const filter: fc.Arbitrary<string> = fc
  .record({
    levels: fc.array(filterLevel, { minLength: 0, maxLength: 8 }),
    rest: fc.boolean(),
    group: fc.option(fc.constantFrom('g', 'h'), { freq: 5 }),
  })
  .map(({ levels, rest, group }) => {
    const body = [...levels, ...(rest ? ['#'] : [])].join('/')
    return group === null ? body : `$share/${group}/${body}`
  })
  // Topic filters are at least one character long, also after `$share/{group}/` (4.7.3, 4.8.2).
  .filter((text) => text.length > 0 && !text.endsWith('$share/g/') && !text.endsWith('$share/h/'))

/** A filter made from `topic` by turning some levels into `+` and maybe cutting it with `#`: often matches. */
export function filterFrom(name: string): fc.Arbitrary<string> {
  const levels = name.split('/')
  return fc
    .record({
      plus: fc.array(fc.boolean(), { minLength: levels.length, maxLength: levels.length }),
      cut: fc.option(fc.nat(levels.length), { freq: 3 }),
    })
    .map(({ plus, cut }) => {
      const parts = levels.map((part, index) => (plus[index] ? '+' : part))
      return cut === null ? parts.join('/') : [...parts.slice(0, cut), '#'].join('/')
    })
}
