import { describe, expect, it } from 'vitest'
import { matches } from '../src/index.js'

describe('matches()', () => {
  it('never throws on malformed input and matches nothing with a shared filter lacking its filter', () => {
    expect(matches('$share/group', 'group')).toBe(false)
    expect(matches('$share/group', '$share/group')).toBe(false)
    expect(matches('$share/group', '$share/group', { protocolVersion: 4 })).toBe(true)
    expect(matches('', '')).toBe(true)
    expect(matches('a', '')).toBe(false)
  })

  it('compares code units: no case folding, no normalisation', () => {
    expect(matches('Caf\u00e9', 'caf\u00e9')).toBe(false)
    expect(matches('\u{1f321}/+', '\u{1f321}/x')).toBe(true)
    expect(matches('+/x', '\u{1f321}/x')).toBe(true)
  })
})
