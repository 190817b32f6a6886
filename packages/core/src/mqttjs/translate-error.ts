import {
  type ConnectFailure,
  MqttClientClosedError,
  MqttCodeError,
  MqttConnectError,
  MqttConnectionLostError,
  MqttError,
} from '../errors/errors.js'
import { ConnackReturnCode, isFailure, ReasonCode, reasonName } from '../errors/reason-codes.js'

/**
 * The one boundary where MQTT.js, socket and TLS errors become this library's error tree.
 * Messages name the broker by its credential-free address and never quote a password.
 */

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

const unreachable = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
])

const tlsCodes = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/

/** CONNACK return/reason codes → what went wrong. */
function connackFailure(code: number): [ConnectFailure, string] {
  switch (code) {
    case ConnackReturnCode.UnacceptableProtocolVersion:
    case ReasonCode.UnsupportedProtocolVersion:
      return ['unsupported-protocol', 'the broker does not speak this MQTT version']
    case ConnackReturnCode.BadUserNameOrPassword:
    case ReasonCode.BadUserNameOrPassword:
    case ReasonCode.BadAuthenticationMethod:
      return ['bad-credentials', 'bad username or password']
    case ConnackReturnCode.NotAuthorized:
    case ReasonCode.NotAuthorized:
    case ReasonCode.Banned:
      return ['not-authorized', 'not authorized']
    case ConnackReturnCode.IdentifierRejected:
    case ReasonCode.ClientIdentifierNotValid:
      return ['refused', 'the client identifier was rejected']
    case ConnackReturnCode.ServerUnavailable:
    case ReasonCode.ServerUnavailable:
    case ReasonCode.ServerBusy:
      return ['refused', 'the server is unavailable']
    default:
      return ['refused', reasonName(code)]
  }
}

/** Whether a connect error means "the broker refuses this protocol version" (fallback from 5 to 4). */
export function isUnsupportedProtocol(error: unknown): boolean {
  return error instanceof MqttConnectError && error.failure === 'unsupported-protocol'
}

/**
 * A failed connection attempt (an MQTT.js `error` event or a socket error) as an {@link MqttConnectError}.
 * `credentials`: whether a username or password was sent. Brokers such as mosquitto answer a wrong
 * password with "not authorized" (5 / 0x87); at CONNECT, with credentials sent, that is reported as
 * `bad-credentials` (the broker's own code stays in `reasonCode`).
 */
export function toConnectError(error: unknown, address: string, credentials = false): MqttConnectError {
  if (error instanceof MqttConnectError) return error
  const code = codeOf(error)
  if (typeof code === 'number') {
    let [failure, reason] = connackFailure(code)
    if (failure === 'not-authorized' && credentials && code !== ReasonCode.Banned) {
      failure = 'bad-credentials'
      reason = 'bad username or password (the broker answered: not authorized)'
    }
    return new MqttConnectError(`${address} refused the connection: ${reason}`, failure, code, {
      cause: error,
    })
  }
  const message = messageOf(error)
  if (typeof code === 'string' && unreachable.has(code)) {
    return new MqttConnectError(`could not reach ${address} (${code})`, 'unreachable', undefined, {
      cause: error,
    })
  }
  if ((typeof code === 'string' && tlsCodes.test(code)) || /certificate|SSL|TLS/i.test(message)) {
    const detail = typeof code === 'string' ? code : 'handshake failed'
    return new MqttConnectError(`TLS with ${address} failed (${detail})`, 'tls', undefined, { cause: error })
  }
  if (/proxy|socks/i.test(message)) {
    return new MqttConnectError(`the proxy to ${address} failed`, 'proxy', undefined, { cause: error })
  }
  if (message === 'connack timeout') return connectTimeout(address, undefined, error)
  return new MqttConnectError(`could not connect to ${address}`, 'unreachable', undefined, { cause: error })
}

/** No CONNACK within the timeout. */
export function connectTimeout(
  address: string,
  timeout: number | undefined,
  cause?: unknown,
): MqttConnectError {
  const within = timeout === undefined ? '' : ` within ${timeout} ms`
  return new MqttConnectError(`${address} did not answer CONNECT${within}`, 'timeout', undefined, { cause })
}

/** The connection closed before CONNACK, with no error to explain it. */
export function closedBeforeConnack(address: string, cause?: unknown): MqttConnectError {
  return new MqttConnectError(`${address} closed the connection before CONNACK`, 'closed', undefined, {
    cause,
  })
}

/** A refused SUBACK / PUBACK / PUBREC / UNSUBACK entry as an {@link MqttCodeError}. */
export function toCodeError(what: string, code: number, cause?: unknown): MqttCodeError {
  const name = reasonName(code)
  return new MqttCodeError(
    `${what} was refused by the broker: ${name} (0x${code.toString(16)})`,
    code,
    name,
    {
      cause,
    },
  )
}

/** An MQTT.js callback error from publish/subscribe/unsubscribe as one of ours. */
export function toCallError(what: string, error: unknown): MqttError {
  if (error instanceof MqttError) return error
  const code = codeOf(error)
  if (typeof code === 'number' && isFailure(code)) return toCodeError(what, code, error)
  const message = messageOf(error)
  if (message === 'client disconnecting') return new MqttClientClosedError(`${what}: the client is closing`)
  if (message === 'Connection closed' || typeof code === 'string') {
    return new MqttConnectionLostError(`${what}: the connection to the broker was lost`, { cause: error })
  }
  return new MqttError(`${what} failed: ${message}`, 'CONNECTION_LOST', { cause: error })
}

/** The error every stream and pending call ends with when the connection drops. */
export function connectionLost(address: string, cause?: unknown): MqttConnectionLostError {
  const code = codeOf(cause)
  const why =
    typeof code === 'number'
      ? ` (the broker sent DISCONNECT: ${reasonName(code)})`
      : cause instanceof Error
        ? ` (${typeof code === 'string' ? code : cause.message})`
        : ''
  return new MqttConnectionLostError(`the connection to ${address} was lost${why}`, { cause })
}
