import { MqttValidationError } from '../errors/errors.js'
import type { ClientOptions } from './client-options.js'

/** The URL schemes a broker address may use, and what each stands for. */
const schemes: Readonly<Record<string, { tls: boolean; transport: 'tcp' | 'websockets' }>> = {
  'mqtt:': { tls: false, transport: 'tcp' },
  'tcp:': { tls: false, transport: 'tcp' },
  'mqtts:': { tls: true, transport: 'tcp' },
  'ssl:': { tls: true, transport: 'tcp' },
  'tls:': { tls: true, transport: 'tcp' },
  'ws:': { tls: false, transport: 'websockets' },
  'wss:': { tls: true, transport: 'websockets' },
}

/** What a broker URL stands for. */
export type UrlOptions = Pick<
  ClientOptions,
  'hostname' | 'port' | 'username' | 'password' | 'transport' | 'websocketPath'
> & { secure: boolean }

function decode(part: string, field: string): string {
  try {
    return decodeURIComponent(part)
  } catch (error) {
    throw new MqttValidationError(`the ${field} in the broker URL is not valid percent-encoding`, 'url', {
      cause: error,
    })
  }
}

/**
 * Reads a broker URL: `mqtt://`, `mqtts://`, `ws://`, `wss://` (and the aliases `tcp:`, `ssl:`, `tls:`).
 * Credentials in the userinfo are percent-decoded; the URL itself never appears in error messages,
 * so a password in it cannot leak.
 * @throws {@link MqttValidationError} (field `url`) for anything that is not such a URL.
 * @example parseBrokerUrl('mqtts://alice:s%40cret@broker.local') // { hostname: 'broker.local', secure: true, ... }
 */
export function parseBrokerUrl(url: string): UrlOptions {
  // Thousands of clients of one broker parse one URL: the last result without credentials is kept.
  if (url === lastUrl && lastOptions !== undefined) return { ...lastOptions }
  const options = parse(url)
  const credentials = options.username !== undefined || options.password !== undefined
  lastUrl = credentials ? undefined : url
  lastOptions = credentials ? undefined : { ...options }
  return options
}

let lastUrl: string | undefined
let lastOptions: UrlOptions | undefined

function parse(url: string): UrlOptions {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new MqttValidationError('the broker URL must be a non-empty string', 'url')
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new MqttValidationError(
      'the broker URL is not a valid URL (expected e.g. mqtt://host:1883 or wss://host/mqtt)',
      'url',
    )
  }
  const scheme = schemes[parsed.protocol]
  if (scheme === undefined) {
    throw new MqttValidationError(
      `unsupported broker URL scheme "${parsed.protocol}" (use mqtt:, mqtts:, ws: or wss:)`,
      'url',
    )
  }
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '')
  if (hostname === '') throw new MqttValidationError('the broker URL has no host name', 'url')
  const options: UrlOptions = { hostname, transport: scheme.transport, secure: scheme.tls }
  if (parsed.port !== '') options.port = Number(parsed.port)
  if (parsed.username !== '') options.username = decode(parsed.username, 'user name')
  if (parsed.password !== '') options.password = decode(parsed.password, 'password')
  if (scheme.transport === 'websockets') {
    const path = `${parsed.pathname}${parsed.search}`
    if (path !== '/' && path !== '') options.websocketPath = path
  } else if (parsed.pathname !== '' && parsed.pathname !== '/') {
    throw new MqttValidationError(`a ${parsed.protocol}// URL takes no path (only ws: and wss: do)`, 'url')
  }
  return options
}
