/**
 * Seed: "TLS".
 *
 * The seed's `TLSParameters` map onto `tls` options (Node's `tls.connect` options). Verification is
 * on by default. Certificates are generated for the demo (a CA, a server and a client certificate),
 * and a TLS listener that requires a client certificate runs in front of the demo broker.
 * @module
 */
import { Client, MqttConnectError, type TlsOptions } from '@await-mqtt/core'
import { generateCertificates } from '@await-mqtt/test-utils'
import type { ExampleContext } from './support/context.js'
import { isEntryPoint, runAlone } from './support/run-alone.js'
import { startTlsBroker } from './support/tls-broker.js'

export async function main({ url, log, prefix = 'demo', broker }: ExampleContext): Promise<void> {
  await using certificates = await generateCertificates()
  await using tlsBroker = await startTlsBroker({ certificates, broker, url, requireClientCertificate: true })
  log(`TLS listener on ${tlsBroker.url}, requiring a client certificate`)

  const tls: TlsOptions = {
    ca: certificates.ca, // ca_certs: trust this CA instead of the system's
    cert: certificates.clientCert, // certfile
    key: certificates.clientKey, // keyfile
    rejectUnauthorized: true, // cert_reqs=ssl.CERT_REQUIRED (the default)
    minVersion: 'TLSv1.2', // tls_version
    ciphers: undefined, // ciphers: OpenSSL's defaults
  }
  {
    await using client = await Client.connect(tlsBroker.url, { tls })
    log('connected over TLS: the server certificate verified against our CA, our client certificate accepted')
    await using subscription = await client.subscribe(`${prefix}/measurements/#`)
    await client.publish(`${prefix}/measurements/humidity`, 0.38, { qos: 1 })
    for await (const message of subscription) {
      log(`received over TLS: ${message.topic.value} = ${message.text()}`)
      break
    }
  }

  // A server whose certificate does not chain to the CA we trust is refused, and so is a client
  // without a certificate by this listener.
  log(`trusting another CA: ${await refusal(tlsBroker.url, { ...tls, ca: certificates.wrongCa })}`)
  log(`without a client certificate: ${await refusal(tlsBroker.url, { ca: certificates.ca })}`)
}

/** How connecting with `tls` fails. */
async function refusal(url: string, tls: TlsOptions): Promise<string> {
  try {
    await using _ = await Client.connect(url, { tls, timeout: 5000 })
  } catch (error) {
    if (error instanceof MqttConnectError) return `refused with MqttConnectError, failure '${error.failure}'`
    throw error
  }
  throw new Error('connected, but should have been refused')
}

if (isEntryPoint(import.meta.url)) await runAlone(main)
