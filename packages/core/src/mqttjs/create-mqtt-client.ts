import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { bracketIPv6 } from '../helpers/host.js'
import { redactOptions } from '../options/redact-options.js'
import type { ResolvedOptions } from '../options/resolved-options.js'
import { nodeAvailable } from '../transport/builtins.js'
import {
  type CurrentTarget,
  createNodeStreamBuilder,
  nodeWebSocketOptions,
} from '../transport/stream-builder.js'
import { assertMqttInternals } from './mqtt-internals.js'
import { mqttJsLog } from './mqtt-js-log.js'

type WsOptions = NonNullable<IClientOptions['wsOptions']>

/**
 * Builds an MQTT.js client that does not connect until its `connect()` is called (attach your
 * listeners first) and never reconnects by itself. Over TCP (Node) the socket is ours: TLS,
 * proxies, bind address and socket options are applied there; over WebSockets MQTT.js's own
 * transport is used. Call it again (e.g. with another `protocolVersion`) for a fresh client.
 * `currentTarget` tells where each new socket goes (a client of several brokers moves between them).
 * @example
 * const client = createMqttClient(resolveOptions('mqtt://localhost'))
 * client.once('connect', onConnack)
 * client.connect()
 */
export function createMqttClient(
  resolved: ResolvedOptions,
  currentTarget: CurrentTarget = { target: () => resolved.target },
): MqttClient {
  const options: IClientOptions = {
    log: mqttJsLog(),
    ...resolved.mqtt,
    protocolVersion: resolved.protocolVersion,
    protocolId: resolved.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    manualConnect: true,
    reconnectPeriod: 0,
  }
  resolved.logger?.debug({ options: redactOptions(resolved) }, 'mqtt client created')
  const client = build(resolved, options, currentTarget)
  assertMqttInternals(client)
  return client
}

function build(resolved: ResolvedOptions, options: IClientOptions, currentTarget: CurrentTarget): MqttClient {
  const { target, logger } = resolved
  if (target.transport === 'tcp') {
    return new mqtt.MqttClient(createNodeStreamBuilder(currentTarget, logger), options)
  }
  options.path = target.websocketPath
  options.hostname = bracketIPv6(target.hostname)
  if (nodeAvailable())
    options.wsOptions = {
      ...nodeWebSocketOptions(currentTarget, logger),
      ...resolved.mqtt.wsOptions,
    } as WsOptions
  else if (target.tls) Object.assign(options, target.tls)
  return mqtt.connect(options)
}
