import type { Duplex } from 'node:stream'
import type { IClientOptions, IStream, StreamBuilder } from '../mqttjs/types.js'
import type { Logger } from '../options/client-options.js'
import type { TransportTarget } from '../options/resolved-options.js'
import { createDeferredDuplex } from './deferred-duplex.js'
import { openSocket } from './open-socket.js'
import { Opening } from './opening.js'

/** Where the next socket goes: asked on every connection, so a client can move between brokers. */
export interface CurrentTarget {
  target(): TransportTarget
}

/**
 * MQTT.js stream builder for `transport: 'tcp'` (Node): hands MQTT.js a duplex at once and joins
 * it to the socket {@link openSocket} opens (TLS, proxy, bind address, socket options).
 */
export function createNodeStreamBuilder(current: CurrentTarget, logger?: Logger): StreamBuilder {
  return () => {
    const stream = createDeferredDuplex()
    openSocket(current.target(), stream.opening, logger).then(
      ({ socket, explainEarly }) => stream.attach(socket, explainEarly),
      (error: unknown) => {
        if (!stream.destroyed) stream.destroy(error instanceof Error ? error : new Error(String(error)))
      },
    )
    return stream as unknown as IStream
  }
}

type WsOptions = NonNullable<IClientOptions['wsOptions']>
type ConnectionCallback = (error: Error | null, socket?: Duplex) => void

/**
 * `ws` options for `transport: 'websockets'` in Node: the headers, and a `createConnection` that
 * opens the socket the same way as over TCP (bind address, socket options, proxy, TLS), so both
 * transports behave and fail alike.
 */
export function nodeWebSocketOptions(current: CurrentTarget, logger?: Logger): WsOptions {
  const createConnection = (_options: unknown, callback: ConnectionCallback) => {
    openSocket(current.target(), new Opening(), logger).then(
      ({ socket }) => callback(null, socket),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    )
    return undefined
  }
  const { websocketHeaders } = current.target()
  return {
    ...(websocketHeaders === undefined ? {} : { headers: { ...websocketHeaders } }),
    createConnection,
  } as WsOptions
}
