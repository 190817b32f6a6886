import { asBuffer } from '../helpers/bytes.js'
import type { TlsOptions } from './client-options.js'

/** TLS settings with defaults applied, in the shape `tls.connect` (and MQTT.js, and ws) take. */
export interface ResolvedTls {
  ca?: string | Buffer | Array<string | Buffer>
  cert?: string | Buffer | Array<string | Buffer>
  key?: string | Buffer | Array<string | Buffer>
  passphrase?: string
  rejectUnauthorized: boolean
  servername?: string
  ciphers?: string
  minVersion?: 'TLSv1.2' | 'TLSv1.3'
  ALPNProtocols?: string[]
}

type Pem = string | Uint8Array | Array<string | Uint8Array>

function pem(value: Pem): string | Buffer | Array<string | Buffer> {
  const one = (item: string | Uint8Array) => (typeof item === 'string' ? item : asBuffer(item))
  return Array.isArray(value) ? value.map(one) : one(value)
}

function isIpAddress(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.includes(':')
}

/**
 * Applies TLS defaults: verification on (`rejectUnauthorized: true`), SNI set to the host name
 * unless the host is an IP address (SNI forbids IPs; the certificate is still checked against it).
 * @example resolveTls(true, 'broker.local') // { rejectUnauthorized: true, servername: 'broker.local' }
 */
export function resolveTls(tls: true | TlsOptions, hostname: string): ResolvedTls {
  const options: TlsOptions = tls === true ? {} : tls
  const resolved: ResolvedTls = { rejectUnauthorized: options.rejectUnauthorized !== false }
  if (options.ca !== undefined) resolved.ca = pem(options.ca)
  if (options.cert !== undefined) resolved.cert = pem(options.cert)
  if (options.key !== undefined) resolved.key = pem(options.key)
  if (options.passphrase !== undefined) resolved.passphrase = options.passphrase
  const servername = options.servername ?? (isIpAddress(hostname) ? undefined : hostname)
  if (servername !== undefined) resolved.servername = servername
  if (options.ciphers !== undefined) resolved.ciphers = options.ciphers
  if (options.minVersion !== undefined) resolved.minVersion = options.minVersion
  if (options.ALPNProtocols !== undefined) resolved.ALPNProtocols = [...options.ALPNProtocols]
  return resolved
}
