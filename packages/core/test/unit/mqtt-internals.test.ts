import mqtt from 'mqtt'
import { describe, expect, it } from 'vitest'
import { hasMqttInternals, keepPublishesOnForcedClose, ResendStore } from '../../src/mqtt-internals.js'
import { createMqttClient, resolveOptions } from '../../src/resolve-options.js'

// The MQTT.js internals src/mqtt-internals.ts relies on: this fails first when an upgrade moves them.
describe('MQTT.js internals used by reconnect and ack: after-processing', () => {
  it('are still there', () => {
    const client = createMqttClient(resolveOptions('mqtt://127.0.0.1:1'))
    expect(hasMqttInternals(client)).toBe(true)
    const inner = client as unknown as Record<string, unknown>
    expect(typeof inner._releaseIncomingQoS2Publish).toBe('function')
    expect(typeof client.handleMessage).toBe('function')
    keepPublishesOnForcedClose(client)
    expect(() => (inner._flush as () => void)()).not.toThrow()
    // never connected (manualConnect): nothing to close
  })

  it('ResendStore keeps PUBLISH packets with DUP set (only resends come from the store), others as they are', async () => {
    const store = new ResendStore()
    expect(store).toBeInstanceOf(mqtt.Store)
    const publish = {
      cmd: 'publish',
      topic: 'a',
      payload: 'x',
      qos: 1,
      dup: false,
      retain: false,
      messageId: 7,
    } as const
    await new Promise<void>((resolve) => store.put(publish, () => resolve()))
    expect(publish.dup).toBe(false) // the caller's packet (first transmission) is untouched
    const stored = await new Promise((resolve) =>
      store.get({ messageId: 7 }, (_error, packet) => resolve(packet)),
    )
    expect(stored).toMatchObject({ messageId: 7, dup: true })
    const pubrel = { cmd: 'pubrel', messageId: 7 } as const
    await new Promise<void>((resolve) => store.put(pubrel, () => resolve()))
    const replaced = await new Promise((resolve) =>
      store.get({ messageId: 7 }, (_error, packet) => resolve(packet)),
    )
    expect(replaced).toEqual(pubrel)
  })
})
