import type * as Http from 'node:http'
import type * as Net from 'node:net'
import type * as Stream from 'node:stream'
import type * as Tls from 'node:tls'
import { MqttValidationError } from '../errors/errors.js'

interface Builtins {
  'node:http': typeof Http
  'node:net': typeof Net
  'node:stream': typeof Stream
  'node:tls': typeof Tls
}

/** Whether Node built-ins can be fetched here (Node >= 20.16); false in browsers. */
export function nodeAvailable(): boolean {
  return typeof globalThis.process?.getBuiltinModule === 'function'
}

/**
 * A Node built-in module, fetched when a TCP connection is opened rather than imported up front,
 * so that a browser bundle of the core never needs `node:net`, `node:tls` or `node:http`.
 * @throws {@link MqttValidationError} (field `transport`) outside Node.
 */
export function nodeModule<Name extends keyof Builtins>(name: Name): Builtins[Name] {
  const known = fetched[name]
  if (known !== undefined) return known
  if (!nodeAvailable()) {
    throw new MqttValidationError(
      "transport 'tcp' (and proxies) need Node.js >= 20.16; in a browser use transport 'websockets'",
      'transport',
    )
  }
  const module = globalThis.process.getBuiltinModule(name) as unknown as Builtins[Name]
  fetched[name] = module
  return module
}

/** Built-ins already fetched: `getBuiltinModule` checks its argument on every call, once per connection. */
const fetched: Partial<Builtins> = {}
