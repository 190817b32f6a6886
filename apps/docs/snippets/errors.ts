import {
  Client,
  MqttClientClosedError,
  MqttCodeError,
  MqttConnectError,
  MqttConnectionLostError,
  MqttError,
  MqttTimeoutError,
  MqttValidationError,
} from '@await-mqtt/core'

export async function connectFailures() {
  // #region connect
  try {
    await using client = await Client.connect('mqtts://broker.local', {
      username: 'alice',
      password: 'wrong',
    })
    await client.publish('a/b', 'c')
  } catch (error) {
    if (!(error instanceof MqttConnectError)) throw error
    switch (error.failure) {
      case 'bad-credentials':
      case 'not-authorized':
        console.error('check the user name and password:', error.message)
        break
      case 'unreachable':
      case 'timeout':
        console.error('is the broker up?', error.message)
        break
      case 'tls':
        console.error('certificate problem:', error.message, error.cause)
        break
      default:
        console.error(error.failure, error.reasonCode, error.message)
    }
  }
  // #endregion connect
}

export async function everyKind(client: Client) {
  // #region tree
  try {
    await client.subscribe('private/#', { qos: 1 })
  } catch (error) {
    if (error instanceof MqttCodeError)
      console.log(error.reasonCode, error.reasonName) // 135 'Not authorized'
    else if (error instanceof MqttValidationError) console.log('bad argument:', error.field)
    else if (error instanceof MqttTimeoutError) console.log(`no SUBACK within ${error.timeout} ms`)
    else if (error instanceof MqttConnectionLostError) console.log('the connection dropped')
    else if (error instanceof MqttClientClosedError) console.log('the client was closed')
    else if (error instanceof MqttError)
      console.log(error.code) // every error above is an MqttError
    else throw error
  }
  // #endregion tree
}

export async function cancellation(client: Client) {
  // #region signal
  // Every call takes an AbortSignal and a timeout; both leave the client usable.
  await client.publish('measurements/humidity', 0.38, { qos: 1, signal: AbortSignal.timeout(1_000) })
  await using sub = await client.subscribe('measurements/#', { timeout: 5_000 })
  // #endregion signal
  return sub
}
