import { describe, expect, it } from 'vitest'
import { Slot } from '../../src/helpers/slot.js'

describe('Slot', () => {
  it('keeps a value per object, out of sight of Object.keys() and JSON', () => {
    const slot = new Slot<object, string>('test')
    const owner = { a: 1 }
    expect(slot.get(owner)).toBeUndefined()
    slot.set(owner, 'first')
    slot.set(owner, 'second')
    expect(slot.get(owner)).toBe('second')
    expect(slot.has(owner)).toBe(true)
    expect(Object.keys(owner)).toEqual(['a'])
    expect(JSON.stringify(owner)).toBe('{"a":1}')
    expect(new Slot<object, string>('test').get(owner)).toBeUndefined()
    expect(slot.delete(owner)).toBe(true)
    expect(slot.delete(owner)).toBe(false)
    expect(slot.get(owner)).toBeUndefined()
  })
})
