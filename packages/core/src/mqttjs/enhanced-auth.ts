import type { MqttClient, PacketCallback } from 'mqtt'
import { MqttConnectError } from '../errors/errors.js'
import { ReasonCode } from '../errors/reason-codes.js'
import { asBuffer } from '../helpers/bytes.js'
import type { AuthOptions } from '../options/client-options.js'
import { type IAuthPacket, onHandleAuth, sendAuth } from './mqtt-internals.js'

const {
  Success: success,
  ContinueAuthentication: continueAuthentication,
  ReAuthenticate: reAuthenticate,
} = ReasonCode

/**
 * What the `auth.onChallenge` handler's failure is handed to MQTT.js as (which then closes the
 * connection and emits it as `error`), so the connection can tell it from MQTT.js's own errors.
 */
export class AuthChallengeFailure extends Error {
  override name = 'AuthChallengeFailure'
}

/** The error `Client.connect()` or `client.reauthenticate()` rejects with when the handler failed. */
export function challengeFailed(
  address: string,
  failure: AuthChallengeFailure,
  reauth: boolean,
): MqttConnectError {
  const what = reauth ? 're-authentication' : 'enhanced authentication'
  return new MqttConnectError(
    `${what} with ${address} failed: ${failure.message}; the connection was closed`,
    'auth-challenge',
    undefined,
    { cause: failure.cause },
  )
}

/**
 * MQTT 5 enhanced authentication on one MQTT.js client (section 4.12): answers the broker's AUTH
 * 0x18 challenges with `auth.onChallenge`, while connecting and re-authenticating, and runs
 * re-authentications (AUTH 0x19, settled by the broker's AUTH 0x00 or the loss of the connection).
 * MQTT.js sends the CONNECT with the method and data, checks the method of each AUTH it receives,
 * and sends the answers.
 */
export class EnhancedAuth {
  readonly #client: MqttClient
  readonly #options: AuthOptions
  /** The re-authentication in progress on this network connection. */
  #pending: ((error?: unknown) => void) | undefined

  constructor(client: MqttClient, options: AuthOptions) {
    this.#client = client
    this.#options = options
    onHandleAuth(client, (packet, callback) => this.#handle(packet, callback))
  }

  /** Whether a re-authentication waits for the broker's verdict. */
  get reauthenticating(): boolean {
    return this.#pending !== undefined
  }

  /** Sends AUTH 0x19 with `data`; `done` is called on the broker's AUTH 0x00 (or with the error that ended it). */
  reauthenticate(data: Uint8Array | undefined, done: (error?: unknown) => void): void {
    this.#pending = done
    sendAuth(this.#client, this.#packet(reAuthenticate, data))
  }

  /** Ends a re-authentication in progress with `error` (the handler failed, or the connection was lost). */
  fail(error: unknown): void {
    const pending = this.#pending
    this.#pending = undefined
    pending?.(error)
  }

  #handle(packet: IAuthPacket, callback: PacketCallback): void {
    if (packet.reasonCode === success) {
      const pending = this.#pending
      this.#pending = undefined
      callback()
      pending?.()
      return
    }
    // Another code (0x19 is the client's) is refused by MQTT.js as a protocol error when no answer comes.
    if (packet.reasonCode !== continueAuthentication) {
      callback()
      return
    }
    void this.#answer(packet, callback)
  }

  async #answer(packet: IAuthPacket, callback: PacketCallback): Promise<void> {
    const stream = this.#client.stream
    // An answer for a network connection that is gone is never sent.
    const stale = () => this.#client.stream !== stream || stream.destroyed
    let response: Uint8Array | undefined
    try {
      const handler = this.#options.onChallenge
      if (handler === undefined) {
        throw new AuthChallengeFailure(
          'the broker sent an authentication challenge (AUTH 0x18) and auth.onChallenge is not set',
        )
      }
      response = await handler(packet.properties?.authenticationData, packet.reasonCode)
      if (response !== undefined && !(response instanceof Uint8Array)) {
        throw new AuthChallengeFailure('auth.onChallenge must return a Uint8Array or undefined')
      }
    } catch (error) {
      if (stale()) return
      callback(
        error instanceof AuthChallengeFailure
          ? error
          : new AuthChallengeFailure('auth.onChallenge threw', { cause: error }),
      )
      return
    }
    if (stale()) return
    callback(undefined, this.#packet(continueAuthentication, response))
  }

  #packet(reasonCode: number, data: Uint8Array | undefined): IAuthPacket {
    const properties: NonNullable<IAuthPacket['properties']> = { authenticationMethod: this.#options.method }
    if (data !== undefined) properties.authenticationData = asBuffer(data)
    return { cmd: 'auth', reasonCode, properties }
  }
}
