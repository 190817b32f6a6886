import { startAedes } from '@await-mqtt/test-utils'
import { describe, expect, it } from 'vitest'
import { examples } from '../src/examples.js'
import { startScript } from './support/spawn-script.js'

describe('the scripts, as a user runs them', () => {
  it('run-all (`npm run demo`) runs every example on one embedded broker and exits 0', async () => {
    await using demo = startScript('src/run-all.ts')
    expect(await demo.exited, demo.output()).toBe(0)
    const output = demo.output()
    expect(output).toMatch(/^broker: embedded aedes \(MQTT 3\.1\.1\) on mqtt:\/\/127\.0\.0\.1:\d+/m)
    for (const [index, example] of examples.entries()) {
      expect(output).toContain(`━━ ${index + 1}/${examples.length}  ${example.name}  ·  ${example.section}`)
      expect(output).toMatch(new RegExp(`^  ✓ ${example.name} \\(\\d+ ms\\)$`, 'm'))
    }
    expect(output).toMatch(new RegExp(`^${examples.length} examples ok, 0 failed, in [\\d.]+ s$`, 'm'))
  }, 90_000)

  it('run-all runs only the examples named, and fails on an unknown name', async () => {
    await using some = startScript('src/run-all.ts', ['publisher', 'no-such-example'])
    expect(await some.exited).toBe(1)
    expect(some.output()).toContain('await-mqtt examples: 1 of')
    expect(some.output()).toContain('unknown example names: no-such-example')
  }, 60_000)

  it('an example runs alone on its own embedded broker', async () => {
    await using publisher = startScript('src/publisher.ts')
    expect(await publisher.exited, publisher.output()).toBe(0)
    expect(publisher.output()).toMatch(/^embedded aedes broker on mqtt:\/\/127\.0\.0\.1:\d+/)
    expect(publisher.output()).toContain(
      'published 0.4 to demo/measurements/humidity (QoS 2: delivered exactly once)',
    )
  }, 60_000)

  it('an example runs alone against MQTT_URL', async () => {
    await using broker = await startAedes({ websocket: false })
    await using subscriber = startScript('src/subscriber.ts', [], { MQTT_URL: broker.url })
    expect(await subscriber.exited, subscriber.output()).toBe(0)
    expect(subscriber.output()).toContain(`broker: ${broker.url}`)
    expect(subscriber.output()).toContain('demo/measurements/humidity: 0.44')
  }, 60_000)

  it('--forever keeps the listener running until Ctrl-C, then exits cleanly', async () => {
    await using subscriber = startScript('src/subscriber.ts', ['--forever'])
    await subscriber.printed(/listening until Ctrl-C/)
    expect(subscriber.child.exitCode).toBeNull()
    subscriber.child.kill('SIGINT')
    expect(await subscriber.exited, subscriber.output()).toBe(0)
  }, 60_000)
})
