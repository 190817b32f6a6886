import type { NetConnectOpts, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import { type ConnectFailure, MqttConnectError } from '../errors/errors.js'
import { authority } from '../helpers/host.js'
import type { Logger } from '../options/client-options.js'
import type { TransportTarget } from '../options/resolved-options.js'
import { nodeModule } from './builtins.js'
import { httpConnect } from './http-connect-proxy.js'
import type { Opening } from './opening.js'
import { settle } from './settle.js'
import { socksConnect } from './socks-proxy.js'

function connectError(failure: ConnectFailure, message: string, error: unknown): MqttConnectError {
  const reason = error instanceof Error ? error.message : String(error)
  return new MqttConnectError(`${message}: ${reason}`, failure, undefined, { cause: error })
}

function tcpConnect(target: TransportTarget, opening: Opening): Promise<Socket> {
  const net = nodeModule('node:net')
  const { proxy, socketOptions = {} } = target
  const host = proxy?.host ?? target.hostname
  const port = proxy?.port ?? target.port
  const options: NetConnectOpts = {
    host,
    port,
    noDelay: socketOptions.noDelay ?? true,
    keepAlive: socketOptions.keepAlive ?? false,
    keepAliveInitialDelay: socketOptions.keepAliveInitialDelay ?? 0,
  }
  if (target.bindAddress !== undefined) options.localAddress = target.bindAddress
  if (target.bindPort !== undefined) options.localPort = target.bindPort
  const socket = net.connect(options)
  return settle(socket, opening, (resolve, reject) => {
    // Listeners removed by hand rather than with once(): no wrapper per listener and connection.
    const onError = (error: Error) => {
      socket.removeListener('connect', onConnect)
      const what = proxy ? `the ${proxy.type} proxy at` : 'the broker at'
      reject(
        connectError(
          proxy ? 'proxy' : 'unreachable',
          `could not reach ${what} ${authority(host, port)}`,
          error,
        ),
      )
    }
    const onConnect = () => {
      socket.removeListener('error', onError)
      socket.removeListener('connect', onConnect)
      resolve(socket)
    }
    socket.on('error', onError)
    socket.on('connect', onConnect)
  })
}

function startTls(socket: Duplex, target: TransportTarget, opening: Opening): Promise<TLSSocket> {
  const tls = nodeModule('node:tls')
  const secure = tls.connect({ ...target.tls, socket, host: target.hostname })
  return settle(secure, opening, (resolve, reject) => {
    const onError = (error: Error) => {
      const where = authority(target.hostname, target.port)
      reject(connectError('tls', `the TLS handshake with ${where} failed`, error))
    }
    secure.once('error', onError)
    secure.once('secureConnect', () => {
      secure.off('error', onError)
      resolve(secure)
    })
  })
}

/** An open socket, and how to explain an error it fails with before the broker said anything. */
export interface OpenSocket {
  socket: Duplex
  explainEarly: ((error: Error) => Error) | undefined
}

/**
 * After a TLS 1.3 handshake the client learns that the server refused its (missing) certificate
 * only when the server hangs up: such an early failure is reported as a TLS failure.
 */
function tlsRejection(target: TransportTarget): (error: Error) => Error {
  return (error) => {
    const where = authority(target.hostname, target.port)
    const hint =
      target.tls?.cert === undefined ? ' (does it require a client certificate? see tls.cert/tls.key)' : ''
    return connectError(
      'tls',
      `the TLS connection to ${where} was refused right after the handshake${hint}`,
      error,
    )
  }
}

/**
 * Opens the socket MQTT will speak over: TCP (from `bindAddress`/`bindPort`, with `socketOptions`),
 * through the proxy if any (HTTP CONNECT or SOCKS), then TLS if asked for. Bounded by
 * `target.connectTimeout`; every failure is an {@link MqttConnectError} saying which step failed
 * (`unreachable`, `proxy`, `tls` or `timeout`), never with a credential in its message.
 */
export async function openSocket(
  target: TransportTarget,
  opening: Opening,
  logger?: Logger,
): Promise<OpenSocket> {
  // The caller's opening is aborted on timeout too: one thing to listen to per step.
  const timer =
    target.connectTimeout === Number.POSITIVE_INFINITY
      ? undefined
      : setTimeout(() => {
          const where = authority(target.hostname, target.port)
          const message = `opening the connection to ${where} took longer than ${target.connectTimeout} ms`
          opening.abort(new MqttConnectError(message, 'timeout'))
        }, target.connectTimeout)
  try {
    let socket: Duplex = await tcpConnect(target, opening)
    const { proxy } = target
    if (proxy?.type === 'http') socket = await httpConnect(socket, proxy, target, opening)
    else if (proxy) socket = await socksConnect(socket as Socket, proxy, target, opening)
    if (target.tls) socket = await startTls(socket, target, opening)
    logger?.debug(
      { broker: authority(target.hostname, target.port), proxy: proxy && authority(proxy.host, proxy.port) },
      'mqtt socket open',
    )
    return { socket, explainEarly: target.tls ? tlsRejection(target) : undefined }
  } catch (error) {
    logger?.debug({ error: error instanceof Error ? error.message : String(error) }, 'mqtt socket failed')
    throw error
  } finally {
    clearTimeout(timer)
  }
}
