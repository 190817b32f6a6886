import { describe, expect, it } from 'vitest'
import { HeldWrites } from '../../src/transport/held-writes.js'

const joined = (pieces: readonly Uint8Array[]) => Buffer.concat(pieces).toString('latin1')

describe('HeldWrites', () => {
  it('gathers small chunks into one piece, in order, strings encoded', () => {
    const held = new HeldWrites()
    held.hold(Buffer.from([0x30, 0x05]), undefined, undefined)
    held.hold('a/é', 'utf8', undefined)
    held.hold(Buffer.from('payload'), undefined, undefined)
    expect(held.bytes).toBe(2 + 4 + 7)
    const taken = held.take()
    expect(taken?.pieces).toHaveLength(1)
    expect(Buffer.concat(taken?.pieces ?? [])).toEqual(
      Buffer.concat([Buffer.from([0x30, 0x05]), Buffer.from('a/é'), Buffer.from('payload')]),
    )
    expect(held.take()).toBeUndefined()
    expect(held.bytes).toBe(0)
  })

  it('passes large chunks on by reference, between the batches around them', () => {
    const held = new HeldWrites()
    const large = Buffer.alloc(4096, 'L')
    held.hold('head', undefined, undefined)
    held.hold(large, undefined, undefined)
    held.hold('tail', undefined, undefined)
    const pieces = held.take()?.pieces ?? []
    expect(pieces).toHaveLength(3)
    expect(pieces[1]).toBe(large)
    expect(joined(pieces)).toBe(`head${'L'.repeat(4096)}tail`)
  })

  it('a batch larger than one buffer spills into the next, nothing lost', () => {
    const held = new HeldWrites()
    const chunk = Buffer.alloc(1000, 'c')
    for (let index = 0; index < 40; index++) held.hold(chunk, undefined, undefined)
    const pieces = held.take()?.pieces ?? []
    expect(pieces.length).toBeGreaterThan(1)
    expect(Buffer.concat(pieces).length).toBe(40_000)
  })

  it('one repeated topic string is encoded the same every time; other encodings are honoured', () => {
    const held = new HeldWrites()
    held.hold('t/ü', undefined, undefined)
    held.hold('t/ü', undefined, undefined)
    held.hold('6869', 'hex', undefined)
    held.hold('t/ü', 'utf8', undefined)
    expect(joined(held.take()?.pieces ?? [])).toBe(Buffer.from('t/üt/ühit/ü').toString('latin1'))
  })

  it("calls every write's callback once the batch is written, or with the error when dropped", () => {
    const held = new HeldWrites()
    const calls: Array<Error | null | undefined> = []
    held.hold('a', undefined, (error) => calls.push(error))
    held.hold('b', undefined, (error) => calls.push(error))
    held.take()?.callback?.(null)
    expect(calls).toEqual([null, null])
    held.hold('c', undefined, (error) => calls.push(error))
    const gone = new Error('gone')
    held.fail(gone)
    expect(calls).toEqual([null, null, gone])
    expect(held.take()).toBeUndefined()
  })
})
