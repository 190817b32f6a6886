import { describe, expect, it } from 'vitest'
import { MqttConnectionLostError } from '../../src/errors/errors.js'
import { connackInfo } from '../../src/session/connack-info.js'
import { EventChannel } from '../../src/session/connection-events.js'

const connected = {
  type: 'connected',
  sessionPresent: false,
  connack: connackInfo(undefined, { keepalive: 60, sessionExpiryInterval: 0 }),
  server: 'mqtt://localhost:1883',
} as const
const lost = { type: 'disconnected', cause: new MqttConnectionLostError(), willReconnect: true } as const

describe('EventChannel', () => {
  it('hands every event to every iterator, from the moment it was created', async () => {
    const channel = new EventChannel()
    const early = channel.subscribe()
    channel.emit(connected)
    const late = channel.subscribe()
    channel.emit(lost)
    expect((await early.next()).value).toBe(connected)
    expect((await early.next()).value).toBe(lost)
    expect((await late.next()).value).toBe(lost)
  })

  it('resolves a waiting reader, and ends every iterator after closed (also ones created later)', async () => {
    const channel = new EventChannel()
    const events = channel.subscribe()
    const waiting = events.next()
    channel.emit({ type: 'reconnecting', attempt: 1, delay: 10 })
    expect(await waiting).toEqual({ done: false, value: { type: 'reconnecting', attempt: 1, delay: 10 } })
    channel.emit({ type: 'closed' })
    expect((await events.next()).value).toEqual({ type: 'closed' })
    expect((await events.next()).done).toBe(true)
    expect((await channel.subscribe().next()).done).toBe(true)
    channel.emit(lost) // ignored after closed
  })

  it('keeps at most maxBuffered unread events, dropping the oldest', async () => {
    const channel = new EventChannel()
    const events = channel.subscribe(2)
    for (let attempt = 1; attempt <= 5; attempt++) channel.emit({ type: 'reconnecting', attempt, delay: 0 })
    const attempts: number[] = []
    channel.emit({ type: 'closed' })
    for await (const event of events) if (event.type === 'reconnecting') attempts.push(event.attempt)
    expect(attempts).toEqual([5])
  })

  it('close(), return() and dispose stop one iterator and finish its pending read', async () => {
    const channel = new EventChannel()
    const events = channel.subscribe()
    const waiting = events.next()
    events.close()
    expect((await waiting).done).toBe(true)
    const other = channel.subscribe()
    channel.emit(lost)
    for await (const _ of other) break
    channel.emit(lost)
    expect((await other.next()).done).toBe(true)
    const disposed = channel.subscribe()
    await disposed[Symbol.asyncDispose]()
    expect((await disposed.next()).done).toBe(true)
  })
})
