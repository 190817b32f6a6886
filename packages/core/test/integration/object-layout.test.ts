import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { mosquittoAvailable, mosquittoSkipReason, startMosquitto } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import type { ObjectLayoutReport } from './object-layout-process.js'

const processFile = fileURLToPath(new URL('./object-layout-process.ts', import.meta.url))

describe.skipIf(!mosquittoAvailable())(
  `per-client objects stay out of dictionary mode${mosquittoAvailable() ? '' : ` ${mosquittoSkipReason}`}`,
  () => {
    // A process that made and closed a few clients before (see object-layout-process.ts): V8 then
    // gives later clients' objects no in-object slots; with too many #private fields, each one
    // became a dictionary (about 4 KiB more heap per client).
    it('after six clients were made, closed and collected, the seventh one is laid out compactly', async () => {
      await using broker = await startMosquitto({ websocket: false })
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=@await-mqtt/source',
          '--expose-gc',
          '--allow-natives-syntax',
          processFile,
          broker.url,
        ],
        { timeout: 30_000 },
      )
      const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ObjectLayoutReport
      // The condition is there: the earlier clients are gone, and a class of 16 #private fields
      // did become a dictionary.
      expect(report.earlierAlive).toBe(0)
      expect(report.witness).toBe(false)
      expect(report).toEqual({
        earlierAlive: 0,
        witness: false,
        session: true,
        connection: true,
        socketStream: true,
        subscriptionStream: true,
        messagesStream: true,
      })
    }, 40_000)
  },
)
