import type { Duplex } from 'node:stream'
import { credentialForms, safeCause, serverText } from '../errors/error-secrets.js'
import { MqttConnectError } from '../errors/errors.js'
import { authority } from '../helpers/host.js'
import type { ProxyOptions } from '../options/client-options.js'
import { nodeModule } from './builtins.js'
import type { Opening } from './opening.js'
import { settle } from './settle.js'

/** The broker the tunnel leads to. */
interface Destination {
  hostname: string
  port: number
}

function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

/**
 * Asks an HTTP proxy to open a tunnel (`CONNECT host:port`) over `socket`, already connected to the
 * proxy, and resolves with the socket once the proxy answers 2xx. Credentials go in a
 * `Proxy-Authorization: Basic` header and nowhere else.
 * @throws {@link MqttConnectError} with failure `proxy` when the proxy refuses or hangs up.
 */
export function httpConnect(
  socket: Duplex,
  proxy: ProxyOptions,
  destination: Destination,
  opening: Opening,
): Promise<Duplex> {
  const http = nodeModule('node:http')
  const path = authority(destination.hostname, destination.port)
  const headers: Record<string, string> = { host: path }
  if (proxy.username !== undefined) {
    headers['proxy-authorization'] = basicAuth(proxy.username, proxy.password ?? '')
  }
  const via = `the HTTP proxy at ${authority(proxy.host, proxy.port)}`
  const request = http.request({ method: 'CONNECT', path, headers, createConnection: () => socket as never })
  return settle(socket, opening, (resolve, reject) => {
    const secrets = credentialForms(proxy.username, proxy.password)
    const refuse = (status: number | undefined, text: string | undefined) => {
      // A proxy may quote the request back in its status text, Proxy-Authorization included.
      const quoted = serverText(text, secrets)
      const answer = `${status ?? 'no status'}${quoted ? ` ${quoted}` : ''}`
      reject(new MqttConnectError(`${via} refused to open a tunnel to ${path}: ${answer}`, 'proxy'))
    }
    request.once('connect', (response, tunnel, head) => {
      response.resume()
      if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode > 299) {
        refuse(response.statusCode, response.statusMessage)
        return
      }
      if (head.length > 0) tunnel.unshift(head)
      resolve(tunnel)
    })
    request.once('response', (response) => {
      response.resume()
      refuse(response.statusCode, response.statusMessage)
    })
    request.once('error', (error) => {
      const cause = safeCause(error, secrets)
      const message = `${via} failed while opening a tunnel to ${path}: ${cause.message}`
      reject(new MqttConnectError(message, 'proxy', undefined, { cause }))
    })
    request.end()
  })
}
