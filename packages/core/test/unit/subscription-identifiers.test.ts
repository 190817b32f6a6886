import { describe, expect, it } from 'vitest'
import { Message } from '../../src/incoming/message.js'
import {
  FilterIdentifiers,
  maxSubscriptionIdentifier,
  overlaps,
} from '../../src/subscriptions/filter-identifiers.js'
import {
  type RegisteredSubscription,
  SubscriptionRegistry,
} from '../../src/subscriptions/subscription-registry.js'

const copy = (topic: string, ids?: number | number[]) =>
  new Message({
    topic,
    payload: new Uint8Array(),
    qos: 0,
    properties: ids === undefined ? {} : { subscriptionIdentifier: ids },
  })

class Holder implements RegisteredSubscription {
  constructor(readonly name: string) {}
  forget(): void {}
  end(): void {}
}

/** A registry with `holders`, each subscribed (in order) to its filters. */
function registryOf(...holders: [Holder, string[]][]) {
  const registry = new SubscriptionRegistry<Holder>()
  for (const [holder, filters] of holders) {
    registry.add(holder, filters)
    registry.identifiers.assign(filters)
  }
  const who = (message: Message) => {
    const routing = registry.routing(message)
    if (routing === undefined) return undefined
    return { streams: routing.streams, subscriptions: [...routing.subscriptions].map((h) => h.name).sort() }
  }
  return { registry, who }
}

describe('overlaps', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
    ['a/+', 'a/b', true],
    ['a/#', 'a', true],
    ['a/#', 'b/#', false],
    ['+/b', 'a/+', true],
    ['a/b', 'a/b/c', false],
    ['a/+', 'a/b/c', false],
    ['#', 'x/y/z', true],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected)
    expect(overlaps(b, a)).toBe(expected)
  })
})

describe('FilterIdentifiers.assign', () => {
  it('gives non-overlapping filters of one call one identifier, overlapping ones one each', () => {
    const ids = new FilterIdentifiers()
    expect(ids.assign(['a/#', 'b/+'])).toEqual([{ id: 1, filters: ['a/#', 'b/+'] }])
    expect(ids.assign(['c/#', 'c/d', 'e'])).toEqual([
      { id: 2, filters: ['c/#', 'e'] },
      { id: 3, filters: ['c/d'] },
    ])
    expect(ids.assign(['$share/g/x/#', 'x/y'])).toEqual([
      { id: 4, filters: ['$share/g/x/#'] },
      { id: 5, filters: ['x/y'] },
    ])
  })

  it('reuses the identifier of a filter already held, and keeps it for resubscribing', () => {
    const ids = new FilterIdentifiers()
    ids.assign(['a/b', 'c'])
    expect(ids.assign(['a/b', 'z'])).toEqual([
      { id: 1, filters: ['a/b'] },
      { id: 2, filters: ['z'] },
    ])
    expect(ids.groups(['c', 'z', 'a/b'])).toEqual([
      { id: 1, filters: ['c', 'a/b'] },
      { id: 2, filters: ['z'] },
    ])
  })

  it('does not hand out a forgotten identifier again until it wraps around', () => {
    const ids = new FilterIdentifiers()
    ids.assign(['a'])
    ids.assign(['b'])
    ids.forget('a')
    expect(ids.assign(['c'])).toEqual([{ id: 3, filters: ['c'] }])
    const wrap = new FilterIdentifiers(maxSubscriptionIdentifier)
    expect(wrap.assign(['last'])).toEqual([{ id: maxSubscriptionIdentifier, filters: ['last'] }])
    expect(wrap.assign(['first'])).toEqual([{ id: 1, filters: ['first'] }])
  })

  it('marks the filters of a user-chosen identifier unknown', () => {
    const ids = new FilterIdentifiers()
    ids.assign(['a/b'])
    expect(ids.assign(['a/b', 'c'], true)).toEqual([{ id: undefined, filters: ['a/b', 'c'] }])
    expect(ids.get('a/b')).toBeUndefined()
    expect(ids.size).toBe(2)
  })
})

describe('routing copies by Subscription Identifier', () => {
  it('one copy per subscription: each subscription takes its own, the streams take the oldest', () => {
    const [room, lobby] = [new Holder('room'), new Holder('lobby')]
    const { who } = registryOf([room, ['chat/+']], [lobby, ['chat/lobby']])
    expect(who(copy('chat/lobby', 1))).toEqual({ streams: true, subscriptions: ['room'] })
    expect(who(copy('chat/lobby', 2))).toEqual({ streams: false, subscriptions: ['lobby'] })
    expect(who(copy('chat/kitchen', 1))).toEqual({ streams: true, subscriptions: ['room'] })
  })

  it('one copy with several identifiers: everyone takes it', () => {
    const [room, lobby] = [new Holder('room'), new Holder('lobby')]
    const { who } = registryOf([room, ['chat/+']], [lobby, ['chat/lobby']])
    expect(who(copy('chat/lobby', [2, 1]))).toEqual({ streams: true, subscriptions: ['lobby', 'room'] })
  })

  it("a subscription's own overlapping filters: it takes one copy", () => {
    const news = new Holder('news')
    const { registry, who } = registryOf([news, ['news/#', 'news/+']])
    expect(registry.identifiers.groups(['news/#', 'news/+']).map((group) => group.id)).toEqual([1, 2])
    expect(who(copy('news/x', 1))).toEqual({ streams: true, subscriptions: ['news'] })
    expect(who(copy('news/x', 2))).toEqual({ streams: false, subscriptions: [] })
    expect(who(copy('news/x/y', 1))).toEqual({ streams: true, subscriptions: ['news'] })
  })

  it('two subscriptions to the same filter share its identifier', () => {
    const [a, b] = [new Holder('a'), new Holder('b')]
    const { registry, who } = registryOf([a, ['t']], [b, ['t']])
    expect(who(copy('t', 1))).toEqual({ streams: true, subscriptions: ['a', 'b'] })
    registry.remove(a, ['t'])
    expect(who(copy('t', 1))).toEqual({ streams: true, subscriptions: ['b'] })
    registry.remove(b, ['t'])
    expect(registry.identifiers.size).toBe(0)
  })

  it('prefers a non-shared filter; with shared filters only, takes any of their copies', () => {
    const [plain, shared, other] = [new Holder('plain'), new Holder('shared'), new Holder('other')]
    const { registry, who } = registryOf(
      [shared, ['$share/g/j/#']],
      [plain, ['j/#']],
      [other, ['$share/h/j/+']],
    )
    expect(who(copy('j/1', 1))).toEqual({ streams: false, subscriptions: ['shared'] })
    expect(who(copy('j/1', 2))).toEqual({ streams: true, subscriptions: ['plain'] })
    expect(who(copy('j/1', 3))).toEqual({ streams: false, subscriptions: ['other'] })
    registry.remove(plain, ['j/#'])
    expect(who(copy('j/1', 1))).toEqual({ streams: true, subscriptions: ['shared'] })
    expect(who(copy('j/1', 3))).toEqual({ streams: true, subscriptions: ['other'] })
  })

  it('a filter being unsubscribed no longer decides which copy the streams take', () => {
    const [old, young] = [new Holder('old'), new Holder('young')]
    const { registry, who } = registryOf([old, ['a/#']], [young, ['a/b']])
    registry.identifiers.leave(['a/#'], true)
    expect(who(copy('a/b', 1))).toEqual({ streams: false, subscriptions: ['old'] })
    expect(who(copy('a/b', 2))).toEqual({ streams: true, subscriptions: ['young'] })
    expect(who(copy('a/c', 1))).toEqual({ streams: true, subscriptions: ['old'] })
    registry.identifiers.leave(['a/#'], false)
    expect(who(copy('a/b', 1))?.streams).toBe(true)
    registry.unsubscribed(['a/#'])
    expect(registry.identifiers.get('a/#')).toBeUndefined()
    expect(who(copy('a/c', 1))).toBeUndefined()
  })

  it('a lone filter (most clients hold one) routes as one of many does, and keeps its identifier', () => {
    const [a, b] = [new Holder('a'), new Holder('b')]
    const { registry, who } = registryOf([a, ['a/+']])
    expect(registry.identifiers.size).toBe(1)
    expect(who(copy('a/x', 1))).toEqual({ streams: true, subscriptions: ['a'] })
    expect(who(copy('a/x/y', 1))).toBeUndefined()
    // Its identifier is taken: an overlapping second filter gets the next one.
    registry.add(b, ['a/#'])
    expect(registry.identifiers.assign(['a/#'])).toEqual([{ id: 2, filters: ['a/#'] }])
    expect(who(copy('a/x', 1))).toEqual({ streams: true, subscriptions: ['a'] })
    expect(who(copy('a/x', 2))).toEqual({ streams: false, subscriptions: ['b'] })
    expect(who(copy('a/x/y', 2))).toEqual({ streams: true, subscriptions: ['b'] })
    const shared = registryOf([a, ['$share/g/s/+']])
    expect(shared.who(copy('s/x', 1))).toEqual({ streams: true, subscriptions: ['a'] })
    shared.registry.identifiers.forget('$share/g/s/+')
    expect(shared.registry.identifiers.size).toBe(0)
    expect(shared.who(copy('s/x', 1))).toBeUndefined()
  })

  it('cannot tell (route by topic) without identifiers, without a held match, or with an unknown one', () => {
    const [a, user] = [new Holder('a'), new Holder('user')]
    const { registry, who } = registryOf([a, ['a/#']])
    expect(who(copy('a/b'))).toBeUndefined()
    expect(who(copy('zzz', 1))).toBeUndefined()
    registry.add(user, ['a/+'])
    registry.identifiers.assign(['a/+'], true)
    expect(who(copy('a/b', 1))).toBeUndefined()
    expect(who(copy('a/b/c', 1))).toEqual({ streams: true, subscriptions: ['a'] })
    registry.endAll()
    expect(registry.identifiers.size).toBe(0)
  })
})
