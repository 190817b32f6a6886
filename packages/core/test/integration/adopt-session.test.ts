import { mosquittoAvailable, mosquittoSkipReason, startMosquitto, uniqueTopic } from '@await-mqtt/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adoptSession, Client, type QoS } from '../../src/index.js'

type Broker = Awaited<ReturnType<typeof startMosquitto>>

describe.skipIf(!mosquittoAvailable())(
  `adoptSession on mosquitto ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    let broker: Broker
    beforeAll(async () => {
      broker = await startMosquitto({ websocket: false })
    })
    afterAll(() => broker.close())

    /**
     * Leaves a persistent session behind that holds `inFlight` jobs it received and never
     * acknowledged, then `queued` jobs published while it was away (it stays the only member of
     * its `$share` group, so mosquitto assigns them to it). Returns the client id and filter.
     */
    async function leaveSession(qos: QoS, inFlight: number, queued: number, receiveMaximum = 65_535) {
      const topic = uniqueTopic('adopt/jobs')
      const clientId = `adopt-${topic.replaceAll('/', '-')}`
      const filter = `$share/workers/${topic}`
      const dead = await Client.connect(broker.url, {
        clientId,
        clean: false,
        sessionExpiryInterval: 600,
        protocolVersion: 5,
        ack: 'manual', // never acknowledged: the broker keeps them in flight
        properties: { receiveMaximum },
      })
      const jobs = dead.messages(topic)
      await dead.subscribe(filter, { qos })
      await using producer = await Client.connect(broker.url)
      for (let n = 0; n < inFlight; n++) await producer.publish(topic, String(n), { qos })
      for (let n = 0; n < inFlight; n++) await jobs.read({ timeout: 5_000 })
      await dead.close()
      for (let n = inFlight; n < inFlight + queued; n++) await producer.publish(topic, String(n), { qos })
      return { topic, clientId, filter }
    }

    /** Whether the broker still has a session for `clientId` (the probe leaves none). */
    async function sessionPresent(clientId: string): Promise<boolean> {
      const probe = await Client.connect(broker.url, {
        clientId,
        clean: false,
        sessionExpiryInterval: 60,
        protocolVersion: 5,
      })
      const present = probe.connack.sessionPresent
      await probe.close({ properties: { sessionExpiryInterval: 0 } })
      return present
    }

    it.each([
      // a window of 3: the 3 in flight are resent, the 47 queued go through it one after the other
      { qos: 1 as QoS, receiveMaximum: 3 },
      // mosquitto 2.0.11 sends a 4th QoS 2 PUBLISH through a window of 3 before the PUBCOMP of the
      // first (MQTT.js then closes with 0x93), so QoS 2 is shown without a window
      { qos: 2 as QoS, receiveMaximum: 65_535 },
    ])(
      'QoS $qos: processes the in-flight (DUP) then the queued jobs in order up to the marker, Receive Maximum $receiveMaximum, and ends the session',
      async ({ qos, receiveMaximum }) => {
        const { clientId, filter } = await leaveSession(qos, 3, 47, receiveMaximum)
        const seen: { job: string; dup: boolean }[] = []
        const result = await adoptSession(broker.url, {
          clientId,
          unsubscribe: filter,
          properties: { receiveMaximum },
          handler: (message) => {
            seen.push({ job: message.text(), dup: message.dup })
          },
        })
        expect(result).toEqual({ sessionPresent: true, handled: 50 })
        expect(seen.map(({ job }) => job)).toEqual(Array.from({ length: 50 }, (_, n) => String(n)))
        // the ones the dead client had received come again as resends
        expect(seen.slice(0, 3).every(({ dup }) => dup)).toBe(true)
        expect(await sessionPresent(clientId)).toBe(false)
      },
    )

    it('unsubscribes the session first: jobs published while it drains go to the live member, none is lost with it', async () => {
      const { topic, clientId, filter } = await leaveSession(1, 2, 3)
      await using producer = await Client.connect(broker.url)
      await using live = await Client.connect(broker.url, { protocolVersion: 5 })
      const liveJobs = live.messages(topic)
      await live.subscribe(filter, { qos: 1 })
      // Without the UNSUBSCRIBE mosquitto would go on giving the session every other job, also
      // after the marker, and those would go with the session.
      const adopted: string[] = []
      await adoptSession(broker.url, {
        clientId,
        unsubscribe: filter,
        handler: async (message) => {
          if (adopted.length === 0) {
            for (let n = 100; n < 110; n++) await producer.publish(topic, String(n), { qos: 1 })
          }
          adopted.push(message.text())
        },
      })
      const got: string[] = []
      for (let n = 0; n < 10; n++) got.push((await liveJobs.read({ timeout: 5_000 }))?.text() ?? '')
      expect(got).toEqual(Array.from({ length: 10 }, (_, n) => String(100 + n)))
      expect(adopted).toEqual(['0', '1', '2', '3', '4'])
    })

    it('a handler error stops the adoption and keeps the session: the next adoption gets the rest, that job again', async () => {
      const { clientId, filter } = await leaveSession(2, 3, 5)
      const first: string[] = []
      const failure = new Error('job 4 failed')
      await expect(
        adoptSession(broker.url, {
          clientId,
          unsubscribe: filter,
          handler: (message) => {
            if (message.text() === '4') throw failure
            first.push(message.text())
          },
        }),
      ).rejects.toBe(failure)
      expect(first).toEqual(['0', '1', '2', '3'])
      expect(await sessionPresentKeepingIt(clientId)).toBe(true)
      const second: string[] = []
      const result = await adoptSession(broker.url, {
        clientId,
        unsubscribe: filter,
        handler: (message) => void second.push(message.text()),
      })
      // at least once: the failed job comes back; what was acknowledged does not
      expect(second).toEqual(['4', '5', '6', '7'])
      expect(result).toEqual({ sessionPresent: true, handled: 4 })
      expect(await sessionPresent(clientId)).toBe(false)
    })

    /** Like {@link sessionPresent}, but resumes the session and leaves it as it was. */
    async function sessionPresentKeepingIt(clientId: string): Promise<boolean> {
      const probe = await Client.connect(broker.url, {
        clientId,
        clean: false,
        sessionExpiryInterval: 600,
        protocolVersion: 5,
        ack: 'manual',
      })
      const present = probe.connack.sessionPresent
      await probe.close()
      return present
    }

    it('answers sessionPresent false, having handled nothing, when the broker has no such session', async () => {
      const clientId = `adopt-none-${uniqueTopic('x').replaceAll('/', '-')}`
      let handled = 0
      const result = await adoptSession(broker.url, {
        clientId,
        unsubscribe: '$share/workers/nothing/#',
        handler: () => void handled++,
      })
      expect(result).toEqual({ sessionPresent: false, handled: 0 })
      expect(handled).toBe(0)
      expect(await sessionPresent(clientId)).toBe(false)
    })
  },
)
