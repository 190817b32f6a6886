import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { credentialForms, safeCause } from '../errors/error-secrets.js'
import { MqttConnectError } from '../errors/errors.js'
import { authority } from '../helpers/host.js'
import type { ProxyOptions } from '../options/client-options.js'
import type { Opening } from './opening.js'
import { settle } from './settle.js'

interface Destination {
  hostname: string
  port: number
}

/**
 * Asks a SOCKS proxy (v5 with optional user name/password, or v4/4a with a user id) to connect
 * to the broker over `socket`, already connected to the proxy. Host names are resolved by the
 * proxy. Uses `socks`, the library MQTT.js's own `socksProxy` uses (which cannot authenticate).
 * @throws {@link MqttConnectError} with failure `proxy` when the proxy refuses.
 */
export async function socksConnect(
  socket: Socket,
  proxy: ProxyOptions,
  destination: Destination,
  opening: Opening,
): Promise<Duplex> {
  const { SocksClient } = await import('socks')
  const via = `the ${proxy.type} proxy at ${authority(proxy.host, proxy.port)}`
  const to = authority(destination.hostname, destination.port)
  const connecting = SocksClient.createConnection({
    command: 'connect',
    proxy: {
      host: proxy.host,
      port: proxy.port,
      type: proxy.type === 'socks4' ? 4 : 5,
      ...(proxy.username === undefined ? {} : { userId: proxy.username }),
      ...(proxy.password === undefined ? {} : { password: proxy.password }),
    },
    destination: { host: destination.hostname, port: destination.port },
    existing_socket: socket,
  })
  return settle(socket, opening, (resolve, reject) => {
    connecting.then(
      ({ socket: tunnel }) => resolve(tunnel),
      (error: unknown) => {
        // The socks library's error keeps the options it was given, password included: only a
        // redacted copy of it is kept.
        const cause = safeCause(error, credentialForms(proxy.username, proxy.password))
        const message = `${via} refused to connect to ${to}: ${cause.message}`
        reject(new MqttConnectError(message, 'proxy', undefined, { cause }))
      },
    )
  })
}
