// MQTT.js with callbacks and events: the "before" column of the migration guide.
import mqtt from 'mqtt'

export function connect() {
  // #region connect
  const client = mqtt.connect('mqtt://localhost', { username: 'alice', password: 'secret' })
  client.on('connect', () => {
    console.log('connected')
  })
  client.on('error', (error) => {
    console.error('bad credentials? unreachable?', error.message) // and it keeps retrying
  })
  // #endregion connect
  return client
}

export function publish(client: mqtt.MqttClient) {
  // #region publish
  client.publish('measurements/humidity', '0.38', { qos: 1 }, (error) => {
    if (error) console.error('publish failed', error)
    else console.log('PUBACK received')
  })
  // #endregion publish
}

export function subscribe(client: mqtt.MqttClient) {
  // #region subscribe
  client.subscribe('sensors/+/temperature', { qos: 1 }, (error, granted) => {
    if (error) return console.error(error)
    if (granted?.some((grant) => grant.qos === 128)) console.error('refused')
  })
  client.on('message', (topic, payload) => {
    // every message of every subscription arrives here: route it yourself
    if (topic.startsWith('sensors/') && topic.endsWith('/temperature')) {
      console.log(topic, payload.toString())
    }
  })
  // #endregion subscribe
}

export function close(client: mqtt.MqttClient) {
  // #region close
  client.end(false, {}, () => {
    console.log('closed') // in-flight messages? listeners? check each one yourself
  })
  // #endregion close
}

export function reconnect() {
  // #region reconnect
  const client = mqtt.connect('mqtt://localhost', { reconnectPeriod: 1_000 })
  client.on('reconnect', () => console.log('reconnecting'))
  client.on('offline', () => console.log('offline'))
  client.on('connect', () => console.log('connected (again)'))
  client.subscribe('measurements/#') // resubscribed after each reconnection (resubscribe: true)
  client.on('message', (topic, payload) => console.log(topic, payload.toString()))
  // #endregion reconnect
  return client
}
