/**
 * Reads a Server-Sent Events body as a browser's EventSource does; shared with the packages' tests.
 * @example for await (const { event, data } of serverSentEvents(response.body)) console.log(event, data)
 */
export { type ServerSentEvent, serverSentEvents } from '@await-mqtt/test-utils'
