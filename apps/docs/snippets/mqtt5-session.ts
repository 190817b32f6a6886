import { Client, ReasonCode, withClient } from '@await-mqtt/core'

export async function whatTheBrokerGranted() {
  // #region connack
  await using client = await Client.connect('mqtt://localhost', {
    clientId: 'worker-3',
    clean: false,
    sessionExpiryInterval: 3_600,
  })
  const { sessionPresent, receiveMaximum, maximumQoS, topicAliasMaximum } = client.connack
  if (!sessionPresent) await client.subscribe('jobs/#', { qos: maximumQoS === 0 ? 0 : 1 })
  console.log(`up to ${receiveMaximum} publishes in flight, ${topicAliasMaximum} topic aliases`)

  for await (const event of client.events()) {
    // every reconnection brings a new CONNACK
    if (event.type === 'connected') console.log('session kept:', event.connack.sessionPresent)
  }
  // #endregion connack
}

export async function leaving() {
  // #region close
  const client = await Client.connect('mqtt://localhost', {
    will: { topic: 'workers/3/status', payload: 'crashed', qos: 1 },
    clean: false,
    sessionExpiryInterval: 3_600,
  })
  // leave as if crashed: the broker publishes the will
  await client.close({ reasonCode: ReasonCode.DisconnectWithWillMessage })
  // or: leave normally, and end the session now instead of in an hour
  await client.close({ properties: { sessionExpiryInterval: 0, reasonString: 'decommissioned' } })
  // #endregion close
}

export async function crashingWorker(work: (client: Client) => Promise<void>) {
  // #region with-client
  // fn throws: DISCONNECT 0x04, the broker publishes 'crashed'; fn resolves: a normal DISCONNECT
  await withClient({ url: 'mqtt://localhost', will: { topic: 'workers/3/status', payload: 'crashed' } }, work)
  // keep the will unpublished on errors too
  await withClient('mqtt://localhost', work, { publishWillOnError: false })
  // #endregion with-client
}

export async function perFilterOptions() {
  // #region per-filter
  await using client = await Client.connect('mqtt://localhost')
  // one SUBSCRIBE, each filter with its own options; the call's options fill in the rest
  await using subscription = await client.subscribe(
    [
      { filter: 'alerts/#', qos: 2 },
      { filter: 'chat/+', qos: 0, noLocal: true },
      { filter: 'config/#', retainHandling: 1 },
      'metrics/#',
    ],
    { qos: 1 },
  )
  for (const { filter, qos } of subscription.granted) console.log(filter, 'granted at QoS', qos)
  // #endregion per-filter
}

export async function withoutIdentifiers() {
  // #region no-identifiers
  // for the whole client...
  await using client = await Client.connect('mqtt://localhost', { subscriptionIdentifiers: false })
  // ...or for one call
  await using other = await Client.connect('mqtt://localhost')
  await other.subscribe('legacy/#', { subscriptionIdentifiers: false })
  await client.subscribe('sensors/#')
  // #endregion no-identifiers
}
