/** What kind of failure an {@link MqttError} reports; stable strings to switch on. */
export type MqttErrorCode =
  | 'CONNECT_FAILED'
  | 'REFUSED_BY_BROKER'
  | 'CONNECTION_LOST'
  | 'TIMEOUT'
  | 'INVALID_ARGUMENT'
  | 'CLIENT_CLOSED'
  | 'QUEUE_OVERFLOW'
  | 'UNDELIVERABLE'

/** Options shared by every error of the tree. */
export interface MqttErrorOptions {
  /** The underlying error (from MQTT.js, the socket, TLS...). */
  cause?: unknown
}

/**
 * The root of every error this library throws. Catch this one to handle them all.
 * @example
 * try { await client.publish('a/b', 1) } catch (error) { if (error instanceof MqttError) console.log(error.code) }
 */
export class MqttError extends Error {
  override name = 'MqttError'
  /** A stable code for the kind of failure. */
  readonly code: MqttErrorCode

  constructor(message: string, code: MqttErrorCode, options: MqttErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}

/** Why a connection attempt failed, in words a user can act on. */
export type ConnectFailure =
  | 'bad-credentials'
  | 'not-authorized'
  | 'refused'
  | 'unsupported-protocol'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'proxy'
  | 'closed'
  | 'protocol-error'
  /** The installed MQTT.js lacks an internal this library relies on (see its supported range). */
  | 'incompatible-mqtt'
  /** Enhanced authentication failed on this side: `auth.onChallenge` threw (its error is the `cause`). */
  | 'auth-challenge'

/** `Client.connect` failed: the broker refused (with its reason code) or could not be reached. */
export class MqttConnectError extends MqttError {
  override name = 'MqttConnectError'
  /** Why it failed. */
  readonly failure: ConnectFailure
  /** The CONNACK return code (MQTT 3.1.1) or reason code (MQTT 5), when the broker answered. */
  readonly reasonCode: number | undefined

  constructor(message: string, failure: ConnectFailure, reasonCode?: number, options: MqttErrorOptions = {}) {
    super(message, 'CONNECT_FAILED', options)
    this.failure = failure
    this.reasonCode = reasonCode
  }
}

/** The broker answered a SUBSCRIBE, PUBLISH or UNSUBSCRIBE with a failure reason code (>= 0x80). */
export class MqttCodeError extends MqttError {
  override name = 'MqttCodeError'
  /** The reason code, e.g. 0x87. */
  readonly reasonCode: number
  /** Its name in the MQTT 5 specification, e.g. 'Not authorized'. */
  readonly reasonName: string

  constructor(message: string, reasonCode: number, reasonName: string, options: MqttErrorOptions = {}) {
    super(message, 'REFUSED_BY_BROKER', options)
    this.reasonCode = reasonCode
    this.reasonName = reasonName
  }
}

/**
 * Who ended a connection:
 * - `broker`: it sent DISCONNECT (its `reasonCode` and `reasonString` are on the error);
 * - `client`: this client closed it because the broker broke the protocol (a malformed packet, a
 *   protocol error, a packet above the client's Maximum Packet Size; `reasonCode` is the one the
 *   client sent in its DISCONNECT: 0x81, 0x82 or 0x95);
 * - `network`: the socket closed or failed, or keepalive ran out.
 */
export type ClosedBy = 'broker' | 'client' | 'network'

/** Options of {@link MqttConnectionLostError}. */
export interface MqttConnectionLostErrorOptions extends MqttErrorOptions {
  /** @default 'network' */
  closedBy?: ClosedBy
  reasonCode?: number
  reasonString?: string
}

/** The connection to the broker was lost while a call or a stream depended on it. */
export class MqttConnectionLostError extends MqttError {
  override name = 'MqttConnectionLostError'
  /** Who ended the connection; see {@link ClosedBy}. */
  readonly closedBy: ClosedBy
  /** The reason code of the DISCONNECT the broker sent (`closedBy: 'broker'`) or the client sent (`'client'`). */
  readonly reasonCode: number | undefined
  /** The Reason String of the broker's DISCONNECT (MQTT 5), if it sent one. */
  readonly reasonString: string | undefined

  constructor(
    message = 'the connection to the broker was lost',
    options: MqttConnectionLostErrorOptions = {},
  ) {
    super(message, 'CONNECTION_LOST', options)
    this.closedBy = options.closedBy ?? 'network'
    this.reasonCode = options.reasonCode
    this.reasonString = options.reasonString
  }
}

/** A call did not complete within its timeout. */
export class MqttTimeoutError extends MqttError {
  override name = 'MqttTimeoutError'
  /** The timeout that ran out, in milliseconds. */
  readonly timeout: number

  constructor(message: string, timeout: number, options: MqttErrorOptions = {}) {
    super(message, 'TIMEOUT', options)
    this.timeout = timeout
  }
}

/** An argument was invalid; nothing was sent and the client is still usable. */
export class MqttValidationError extends MqttError {
  override name = 'MqttValidationError'
  /** The option or argument at fault, e.g. 'topic' or 'qos'. */
  readonly field: string

  constructor(message: string, field: string, options: MqttErrorOptions = {}) {
    super(message, 'INVALID_ARGUMENT', options)
    this.field = field
  }
}

/** The client (or the stream) was closed before or during the call. */
export class MqttClientClosedError extends MqttError {
  override name = 'MqttClientClosedError'

  constructor(message = 'the client is closed', options: MqttErrorOptions = {}) {
    super(message, 'CLIENT_CLOSED', options)
  }
}
