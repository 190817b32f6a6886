/** What MQTT.js logs its ~100 debug lines per connection and several per packet through. */
export type MqttJsLog = (...args: unknown[]) => void

const quiet: MqttJsLog = () => {}

function debugSetting(): string {
  const fromEnvironment = globalThis.process?.env?.DEBUG
  if (fromEnvironment !== undefined) return fromEnvironment
  try {
    return globalThis.localStorage?.getItem('debug') ?? ''
  } catch {
    return '' // storage denied (sandboxed frame, privacy mode)
  }
}

/**
 * MQTT.js's log for a new client: a no-op unless its debug output was asked for, as the `debug`
 * package reads it (`DEBUG=mqttjs*` or `*` in Node, `localStorage.debug` in browsers) when the
 * client is created. Its default logger is a `debug` instance that stays silent but still checks
 * whether it is enabled on every call: 7% of the CPU a received message costs.
 * @returns `undefined` to keep MQTT.js's default.
 */
export function mqttJsLog(setting = debugSetting()): MqttJsLog | undefined {
  // Read for every client, parsed once per value.
  if (setting !== lastSetting) {
    lastSetting = setting
    lastWanted = setting
      .split(/[\s,]+/)
      .some((pattern) => pattern !== '' && !pattern.startsWith('-') && /^(mqttjs|\*)/.test(pattern))
  }
  return lastWanted ? undefined : quiet
}

let lastSetting: string | undefined
let lastWanted = false
