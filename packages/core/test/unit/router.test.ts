import { describe, expect, it } from 'vitest'
import { Message } from '../../src/incoming/message.js'
import { BufferedMessageStream } from '../../src/incoming/message-stream.js'
import { Router } from '../../src/incoming/router.js'

const limits = { maxQueued: 1000, overflow: 'drop-oldest' } as const
const stream = () => new BufferedMessageStream(undefined, limits)
const message = (topic: string) => new Message({ topic, payload: new Uint8Array(), qos: 0 })
const drain = (target: BufferedMessageStream) => {
  const topics: string[] = []
  target.end()
  return (async () => {
    for await (const item of target) topics.push(item.topic.value)
    return topics
  })()
}

describe('Router', () => {
  it('delivers to every matching filtered stream', async () => {
    const router = new Router()
    const [all, sport, tennis] = [stream(), stream(), stream()]
    router.add(all, 'filtered', ['#'])
    router.add(sport, 'filtered', ['sport/+'])
    router.add(tennis, 'filtered', ['sport/tennis'])
    router.route(message('sport/tennis'))
    router.route(message('sport/golf'))
    router.route(message('news'))
    expect(await drain(all)).toEqual(['sport/tennis', 'sport/golf', 'news'])
    expect(await drain(sport)).toEqual(['sport/tennis', 'sport/golf'])
    expect(await drain(tennis)).toEqual(['sport/tennis'])
  })

  it('gives unfiltered streams only what no filtered stream matched', async () => {
    const router = new Router()
    const [filtered, rest, rest2] = [stream(), stream(), stream()]
    router.add(filtered, 'filtered', ['a/#'])
    router.add(rest, 'unfiltered')
    router.add(rest2, 'unfiltered')
    for (const topic of ['a', 'a/b', 'b', 'c/d']) router.route(message(topic))
    expect(await drain(filtered)).toEqual(['a', 'a/b'])
    expect(await drain(rest)).toEqual(['b', 'c/d'])
    expect(await drain(rest2)).toEqual(['b', 'c/d'])
  })

  it('delivers once per message to a stream registered under overlapping filters', async () => {
    const router = new Router()
    const target = stream()
    router.add(target, 'subscription', ['a/#', 'a/+', 'a/b'])
    router.route(message('a/b'))
    expect(await drain(target)).toEqual(['a/b'])
  })

  it('does not let subscription streams take messages from the unfiltered streams', async () => {
    const router = new Router()
    const [own, rest] = [stream(), stream()]
    router.add(own, 'subscription', ['x/#'])
    router.add(rest, 'unfiltered')
    router.route(message('x/1'))
    expect(await drain(own)).toEqual(['x/1'])
    expect(await drain(rest)).toEqual(['x/1'])
  })

  it('respects the $ rule: # does not match $SYS topics', async () => {
    const router = new Router()
    const [all, sys, rest] = [stream(), stream(), stream()]
    router.add(all, 'filtered', ['#'])
    router.add(sys, 'filtered', ['$SYS/#'])
    router.add(rest, 'unfiltered')
    router.route(message('$SYS/uptime'))
    expect(await drain(all)).toEqual([])
    expect(await drain(sys)).toEqual(['$SYS/uptime'])
    expect(await drain(rest)).toEqual([])
  })

  it('stops delivering once a stream is removed', async () => {
    const router = new Router()
    const [a, b] = [stream(), stream()]
    const removeA = router.add(a, 'filtered', ['t'])
    router.add(b, 'unfiltered')
    removeA()
    removeA()
    router.route(message('t'))
    expect(await drain(a)).toEqual([])
    expect(await drain(b)).toEqual(['t'])
    expect(router.size).toBe(1)
  })

  it('endAll ends every stream with the error after its buffer', async () => {
    const router = new Router()
    const target = stream()
    router.add(target, 'filtered', ['t'])
    router.route(message('t'))
    const error = new Error('gone')
    router.endAll(error)
    expect((await target.next()).value?.topic.value).toBe('t')
    await expect(target.next()).rejects.toBe(error)
    expect(router.size).toBe(0)
  })

  it('scales with topic depth, not stream count: 10,000 streams on distinct topics', async () => {
    const router = new Router()
    const streams = Array.from({ length: 10_000 }, (_, n) => {
      const target = stream()
      router.add(target, 'filtered', [`devices/${n}/state`])
      return target
    })
    router.route(message('devices/4242/state'))
    expect(streams.map((target) => target.queued).reduce((sum, count) => sum + count, 0)).toBe(1)
    expect(streams[4242]?.queued).toBe(1)
  })

  it('with copy targets: the other streams only when told, subscription streams only those named', async () => {
    const router = new Router()
    const [room, lobby, filtered, rest] = [stream(), stream(), stream(), stream()]
    router.add(room, 'subscription', ['chat/+'])
    router.add(lobby, 'subscription', ['chat/lobby'])
    router.add(filtered, 'filtered', ['chat/lobby'])
    router.add(rest, 'unfiltered')
    router.route(message('chat/lobby'), { streams: true, subscriptions: [room] })
    router.route(message('chat/lobby'), { streams: false, subscriptions: [lobby] })
    router.route(message('chat/kitchen'), { streams: true, subscriptions: [room] })
    router.route(message('chat/gone'), { streams: false, subscriptions: [stream()] })
    expect(await drain(room)).toEqual(['chat/lobby', 'chat/kitchen'])
    expect(await drain(lobby)).toEqual(['chat/lobby'])
    expect(await drain(filtered)).toEqual(['chat/lobby'])
    expect(await drain(rest)).toEqual(['chat/kitchen'])
  })

  it('tells its owner each time a stream is added', () => {
    let added = 0
    const router = new Router({ created: () => added++ })
    router.add(stream(), 'unfiltered')
    router.add(stream(), 'filtered', ['a'])
    expect(added).toBe(2)
  })
})
