import { type Client, MqttTimeoutError } from '@await-mqtt/core'

export async function request(client: Client) {
  // #region request
  try {
    const response = await client.request('services/clock', 'now?', { timeout: 2_000 })
    console.log('the time is', response.text())
  } catch (error) {
    if (error instanceof MqttTimeoutError) console.warn('no clock service answered')
    else throw error
  }
  // #endregion request
}

export async function respond(service: Client) {
  // #region respond
  await using responder = await service.respond('services/clock', () => new Date().toISOString(), {
    concurrency: 4, // at most four handlers at once
  })
  // ... it answers until disposed (here at the end of the scope), or until the client closes.
  // #endregion respond
  return responder.answered
}

export async function reply(service: Client) {
  // #region reply
  await using requests = await service.subscribe('services/echo', { qos: 1 })
  for await (const request of requests) {
    await service.reply(request, request.payload) // to its Response Topic, with its Correlation Data
  }
  // #endregion reply
}
