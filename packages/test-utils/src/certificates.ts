import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** PEM files made by {@link generateCertificates}, as paths and as contents. */
export interface TestCertificates extends AsyncDisposable {
  readonly dir: string
  /** The CA that signed the server and client certificates. */
  readonly caFile: string
  readonly ca: string
  /** Server certificate for 127.0.0.1 and localhost. */
  readonly serverCertFile: string
  readonly serverKeyFile: string
  /** Client certificate (CN=await-mqtt-client) for mutual TLS. */
  readonly clientCertFile: string
  readonly clientKeyFile: string
  readonly clientCert: string
  readonly clientKey: string
  /** A CA that signed nothing here: trusting it alone must fail verification. */
  readonly wrongCa: string
  remove(): Promise<void>
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir })
}

async function makeCa(dir: string, name: string): Promise<void> {
  await openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
  )
}

async function makeSigned(dir: string, name: string, ca: string, extensions: string): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), extensions)
  await openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  )
  await openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  )
}

/** Generates a throw-away CA, server and client certificates with openssl, in a temporary folder. */
export async function generateCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'await-mqtt-tls-'))
  await makeCa(dir, 'await-mqtt-ca')
  await makeCa(dir, 'await-mqtt-wrong-ca')
  await makeSigned(
    dir,
    'await-mqtt-server',
    'await-mqtt-ca',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  )
  await makeSigned(dir, 'await-mqtt-client', 'await-mqtt-ca', 'extendedKeyUsage=clientAuth\n')
  const path = (file: string) => join(dir, file)
  const read = (file: string) => readFile(path(file), 'utf8')
  const remove = () => rm(dir, { recursive: true, force: true })
  return {
    dir,
    caFile: path('await-mqtt-ca.crt'),
    ca: await read('await-mqtt-ca.crt'),
    serverCertFile: path('await-mqtt-server.crt'),
    serverKeyFile: path('await-mqtt-server.key'),
    clientCertFile: path('await-mqtt-client.crt'),
    clientKeyFile: path('await-mqtt-client.key'),
    clientCert: await read('await-mqtt-client.crt'),
    clientKey: await read('await-mqtt-client.key'),
    wrongCa: await read('await-mqtt-wrong-ca.crt'),
    remove,
    [Symbol.asyncDispose]: remove,
  }
}
