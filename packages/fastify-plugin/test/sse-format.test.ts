import { Message } from '@await-mqtt/core'
import { describe, expect, it } from 'vitest'
import { toSSEEvent } from '../src/index.js'
import { defaultConnectTimeout } from '../src/plugin.js'
import { encodeSSE } from '../src/sse.js'

describe('encodeSSE', () => {
  it('writes event, id and one data line per line of data, then a blank line', () => {
    expect(encodeSSE({ event: 'reading', id: '7', data: 'a\nb\r\nc' })).toBe(
      'event: reading\nid: 7\ndata: a\ndata: b\ndata: c\n\n',
    )
  })

  it('leaves out the event name by default, so EventSource.onmessage gets it', () => {
    expect(encodeSSE({ data: '' })).toBe('data: \n\n')
  })

  it('cannot be tricked into starting another event by a newline in the name or id', () => {
    expect(encodeSSE({ event: 'x\n\ndata: injected', id: '1\r2', data: 'ok' })).toBe(
      'event: xdata: injected\nid: 12\ndata: ok\n\n',
    )
  })
})

describe('toSSEEvent', () => {
  it('sends topic, text payload and retain flag as JSON', () => {
    const message = new Message({
      topic: 'sensors/a',
      payload: new TextEncoder().encode('21.5'),
      qos: 0,
      retain: true,
    })
    expect(JSON.parse(toSSEEvent(message).data)).toEqual({
      topic: 'sensors/a',
      payload: '21.5',
      retain: true,
    })
  })
})

describe('defaultConnectTimeout', () => {
  it('stays below the plugin timeout, at most 8 seconds', () => {
    expect(defaultConnectTimeout(10_000)).toBe(8000)
    expect(defaultConnectTimeout(5000)).toBe(4000)
    expect(defaultConnectTimeout(60_000)).toBe(8000)
    expect(defaultConnectTimeout(1000)).toBe(500)
  })

  it('is 8 seconds when the plugin timeout is off', () => {
    expect(defaultConnectTimeout(0)).toBe(8000)
    expect(defaultConnectTimeout(undefined)).toBe(8000)
  })
})
