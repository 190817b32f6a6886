import { TopicValidationError, validateTopic } from '@await-mqtt/topic-trie'
import { describeValue as describe } from '../errors/describe-value.js'
import { MqttValidationError } from '../errors/errors.js'
import type {
  ClientOptions,
  ConnectProperties,
  ProxyOptions,
  TlsOptions,
  WillOptions,
} from './client-options.js'
import { boolean, bytesOrString, fail, integer, isRecord, oneOf, string } from './field-checks.js'
import { validateAuth } from './validate-auth.js'
import { validateEmptyClientId } from './validate-client-id.js'
import { validateFailover } from './validate-failover.js'
import { validateOptionStrings } from './validate-option-strings.js'

const maxUint16 = 0xffff
const maxUint32 = 0xffff_ffff

function pemList(value: unknown, field: string): void {
  if (value === undefined) return
  const items = Array.isArray(value) ? value : [value]
  for (const item of items) bytesOrString(item, field, true)
}

function userProperties(value: unknown, field: string): void {
  if (value === undefined) return
  if (!isRecord(value)) fail(field, `must be an object of strings, not ${describe(value)}`)
  for (const [key, entry] of Object.entries(value)) {
    const ok =
      typeof entry === 'string' || (Array.isArray(entry) && entry.every((v) => typeof v === 'string'))
    if (!ok) fail(`${field}.${key}`, `must be a string or an array of strings, not ${describe(entry)}`)
  }
}

function validateTls(tls: unknown): void {
  if (tls === undefined || typeof tls === 'boolean') return
  if (!isRecord(tls)) fail('tls', `must be a boolean or TLS options, not ${describe(tls)}`)
  const options = tls as TlsOptions
  pemList(options.ca, 'tls.ca')
  pemList(options.cert, 'tls.cert')
  pemList(options.key, 'tls.key')
  string(options.passphrase, 'tls.passphrase', { secret: true })
  boolean(options.rejectUnauthorized, 'tls.rejectUnauthorized')
  string(options.servername, 'tls.servername', { nonEmpty: true })
  string(options.ciphers, 'tls.ciphers', { nonEmpty: true })
  oneOf(options.minVersion, 'tls.minVersion', ['TLSv1.2', 'TLSv1.3'])
  if (options.ALPNProtocols !== undefined) {
    const list: unknown = options.ALPNProtocols
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p !== '')) {
      fail('tls.ALPNProtocols', 'must be an array of non-empty strings')
    }
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    fail(options.cert === undefined ? 'tls.cert' : 'tls.key', 'is needed too: give both tls.cert and tls.key')
  }
}

function validateProxy(proxy: unknown): void {
  if (proxy === undefined) return
  if (!isRecord(proxy)) fail('proxy', `must be an object ({ type, host, port }), not ${describe(proxy)}`)
  const options = proxy as Partial<ProxyOptions>
  if (options.type === undefined) fail('proxy.type', "is required: 'socks5', 'socks4' or 'http'")
  oneOf(options.type, 'proxy.type', ['socks5', 'socks4', 'http'])
  if (options.host === undefined) fail('proxy.host', 'is required')
  string(options.host, 'proxy.host', { nonEmpty: true })
  if (options.port === undefined) fail('proxy.port', 'is required')
  integer(options.port, 'proxy.port', 1, maxUint16)
  string(options.username, 'proxy.username')
  string(options.password, 'proxy.password', { secret: true })
  if (options.password !== undefined && options.username === undefined) {
    fail('proxy.username', 'is required when proxy.password is given')
  }
  if (options.type === 'socks4' && options.password !== undefined) {
    fail('proxy.password', 'is not supported by SOCKS4 (it only sends a user id): use socks5')
  }
}

function validateWill(will: unknown, mqtt5: boolean): void {
  if (will === undefined) return
  if (!isRecord(will))
    fail('will', `must be an object ({ topic, payload, qos, retain }), not ${describe(will)}`)
  const options = will as Partial<WillOptions>
  if (typeof options.topic !== 'string')
    fail('will.topic', `must be a string, not ${describe(options.topic)}`)
  try {
    validateTopic(options.topic)
  } catch (error) {
    if (error instanceof TopicValidationError) {
      throw new MqttValidationError(`will.topic: ${error.message}`, 'will.topic', { cause: error })
    }
    throw error
  }
  const { payload } = options
  const okPayload =
    payload === undefined ||
    payload === null ||
    payload instanceof Uint8Array ||
    typeof payload === 'string' ||
    typeof payload === 'boolean' ||
    (typeof payload === 'number' && Number.isFinite(payload))
  if (!okPayload) fail('will.payload', `must be a string, Uint8Array, finite number, boolean or null`)
  oneOf(options.qos, 'will.qos', [0, 1, 2])
  boolean(options.retain, 'will.retain')
  const { properties } = options
  if (properties === undefined) return
  if (!mqtt5) fail('will.properties', 'need MQTT 5 (protocolVersion 5)')
  if (!isRecord(properties)) fail('will.properties', `must be an object, not ${describe(properties)}`)
  integer(properties.willDelayInterval, 'will.properties.willDelayInterval', 0, maxUint32)
  boolean(properties.payloadFormatIndicator, 'will.properties.payloadFormatIndicator')
  integer(properties.messageExpiryInterval, 'will.properties.messageExpiryInterval', 0, maxUint32)
  string(properties.contentType, 'will.properties.contentType')
  string(properties.responseTopic, 'will.properties.responseTopic', { nonEmpty: true })
  if (properties.correlationData !== undefined && !(properties.correlationData instanceof Uint8Array)) {
    fail('will.properties.correlationData', 'must be a Uint8Array')
  }
  userProperties(properties.userProperties, 'will.properties.userProperties')
}

function validateProperties(properties: unknown, mqtt5: boolean): void {
  if (properties === undefined) return
  if (!mqtt5) fail('properties', 'need MQTT 5 (protocolVersion 5)')
  if (!isRecord(properties)) fail('properties', `must be an object, not ${describe(properties)}`)
  const p = properties as ConnectProperties
  integer(p.sessionExpiryInterval, 'properties.sessionExpiryInterval', 0, maxUint32)
  integer(p.receiveMaximum, 'properties.receiveMaximum', 1, maxUint16)
  integer(p.maximumPacketSize, 'properties.maximumPacketSize', 1, maxUint32)
  integer(p.topicAliasMaximum, 'properties.topicAliasMaximum', 0, maxUint16)
  boolean(p.requestResponseInformation, 'properties.requestResponseInformation')
  boolean(p.requestProblemInformation, 'properties.requestProblemInformation')
  userProperties(p.userProperties, 'properties.userProperties')
  string(p.authenticationMethod, 'properties.authenticationMethod', { nonEmpty: true })
  if (p.authenticationData !== undefined && !(p.authenticationData instanceof Uint8Array)) {
    fail('properties.authenticationData', 'must be a Uint8Array')
  }
}

function validateReconnect(reconnect: unknown): void {
  if (reconnect === undefined || typeof reconnect === 'boolean') return
  if (!isRecord(reconnect))
    fail('reconnect', `must be a boolean or reconnect options, not ${describe(reconnect)}`)
  const { minDelay, maxDelay, factor, jitter, maxAttempts, maxQueuedPublishes, maxResends } = reconnect
  if (maxResends !== Number.POSITIVE_INFINITY) integer(maxResends, 'reconnect.maxResends', 0, 2 ** 31 - 1)
  integer(maxQueuedPublishes, 'reconnect.maxQueuedPublishes', 0, Number.MAX_SAFE_INTEGER)
  integer(minDelay, 'reconnect.minDelay', 0, 2 ** 31 - 1)
  integer(maxDelay, 'reconnect.maxDelay', 0, 2 ** 31 - 1)
  if (typeof minDelay === 'number' && typeof maxDelay === 'number' && maxDelay < minDelay) {
    fail('reconnect.maxDelay', `must not be below reconnect.minDelay (${minDelay})`)
  }
  if (factor !== undefined && (typeof factor !== 'number' || !(factor >= 1) || !Number.isFinite(factor))) {
    fail('reconnect.factor', `must be a finite number >= 1, not ${describe(factor)}`)
  }
  if (jitter !== undefined && (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))) {
    fail('reconnect.jitter', `must be a number from 0 to 1, not ${describe(jitter)}`)
  }
  if (maxAttempts !== undefined && maxAttempts !== Number.POSITIVE_INFINITY) {
    integer(maxAttempts, 'reconnect.maxAttempts', 1, Number.MAX_SAFE_INTEGER)
  }
}

function validateWebsocket(options: ClientOptions): void {
  const { websocketPath, websocketHeaders } = options
  string(websocketPath, 'websocketPath')
  if (typeof websocketPath === 'string' && !websocketPath.startsWith('/')) {
    fail('websocketPath', `must start with "/", not ${describe(websocketPath)}`)
  }
  if (websocketHeaders === undefined) return
  if (!isRecord(websocketHeaders)) fail('websocketHeaders', `must be an object of strings`)
  for (const [name, value] of Object.entries(websocketHeaders)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail('websocketHeaders', `has an invalid header name`)
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      fail(`websocketHeaders.${name}`, 'must be a string without line breaks')
    }
  }
}

function validateLogger(logger: unknown): void {
  if (logger === undefined) return
  const ok =
    typeof logger === 'object' &&
    logger !== null &&
    ['debug', 'info', 'warn', 'error'].every(
      (level) => typeof (logger as Record<string, unknown>)[level] === 'function',
    )
  if (!ok) fail('logger', 'must have debug, info, warn and error methods (pino-compatible)')
}

/**
 * Checks every option before anything is opened; values of secrets never appear in the messages.
 * @throws {@link MqttValidationError} whose `field` names the option at fault, e.g. `keepalive`.
 * @example validateClientOptions({ keepalive: -1 }) // throws: keepalive must be an integer from 0 to 65535
 */
export function validateClientOptions(options: ClientOptions): void {
  const value: unknown = options
  if (!isRecord(value)) fail('options', `must be an object or a URL string, not ${describe(options)}`)
  string(options.hostname, 'hostname', { nonEmpty: true })
  if (typeof options.hostname === 'string' && /[\s/]/.test(options.hostname)) {
    fail('hostname', `must be a host name or IP address, not ${describe(options.hostname)}`)
  }
  integer(options.port, 'port', 1, maxUint16)
  string(options.username, 'username')
  bytesOrString(options.password, 'password', true)
  if (options.clientId !== undefined) {
    string(options.clientId, 'clientId')
    // At most 3 bytes per UTF-16 unit: only a long id is encoded to be measured.
    const { clientId } = options
    if (clientId.length * 3 > maxUint16 && new TextEncoder().encode(clientId).byteLength > maxUint16)
      fail('clientId', 'is too long')
  }
  boolean(options.clean, 'clean')
  oneOf(options.protocolVersion, 'protocolVersion', [3, 4, 5])
  validateEmptyClientId(options)
  validateTls(options.tls)
  validateProxy(options.proxy)
  const mqtt5 = options.protocolVersion === undefined || options.protocolVersion === 5
  validateWill(options.will, mqtt5)
  integer(options.sessionExpiryInterval, 'sessionExpiryInterval', 0, maxUint32)
  if (options.sessionExpiryInterval !== undefined && !mqtt5) {
    fail('sessionExpiryInterval', 'needs MQTT 5 (protocolVersion 5)')
  }
  oneOf(options.transport, 'transport', ['tcp', 'websockets'])
  integer(options.keepalive, 'keepalive', 0, maxUint16)
  string(options.bindAddress, 'bindAddress', { nonEmpty: true })
  integer(options.bindPort, 'bindPort', 0, maxUint16)
  validateProperties(options.properties, mqtt5)
  validateAuth(options)
  if (options.socketOptions !== undefined) {
    if (!isRecord(options.socketOptions)) fail('socketOptions', 'must be an object')
    boolean(options.socketOptions.noDelay, 'socketOptions.noDelay')
    boolean(options.socketOptions.keepAlive, 'socketOptions.keepAlive')
    integer(
      options.socketOptions.keepAliveInitialDelay,
      'socketOptions.keepAliveInitialDelay',
      0,
      2 ** 31 - 1,
    )
  }
  integer(options.maxConcurrentOutgoingCalls, 'maxConcurrentOutgoingCalls', 1, Number.MAX_SAFE_INTEGER)
  validateWebsocket(options)
  const { timeout } = options
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) {
    fail('timeout', `must be a number of ms above 0 (Infinity for none), not ${describe(timeout)}`)
  }
  validateReconnect(options.reconnect)
  validateFailover(options)
  oneOf(options.ack, 'ack', ['on-receipt', 'after-processing', 'manual'])
  if (options.maxQueued !== Number.POSITIVE_INFINITY) {
    integer(options.maxQueued, 'maxQueued', 1, Number.MAX_SAFE_INTEGER)
  }
  oneOf(options.overflow, 'overflow', ['drop-oldest', 'drop-newest', 'error'])
  validateLogger(options.logger)
  if (options.mqtt !== undefined && !isRecord(options.mqtt))
    fail('mqtt', 'must be an object of MQTT.js options')
  boolean(options.strictUtf8, 'strictUtf8')
  boolean(options.subscriptionIdentifiers, 'subscriptionIdentifiers')
  oneOf(options.topicAliases, 'topicAliases', ['manual', 'auto'])
  if (options.topicAliases === 'auto' && !mqtt5)
    fail('topicAliases', "'auto' needs MQTT 5 (protocolVersion 5)")
  validateOptionStrings(options)
}
