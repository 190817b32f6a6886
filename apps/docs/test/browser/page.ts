// The page of the browser client test: bundled for the browser with the core, loaded by chromium.
// It connects over ws://, subscribes, waits for one message from Node and answers it.
import { Client } from '@await-mqtt/core'

const params = new URLSearchParams(location.search)
const broker = params.get('broker') ?? ''
const inbox = params.get('inbox') ?? ''
const outbox = params.get('outbox') ?? ''
const list = document.querySelector('#log') as HTMLOListElement

function log(line: string): void {
  const item = document.createElement('li')
  item.textContent = line
  list.append(item)
}

function setState(state: string): void {
  document.body.dataset.state = state
  log(`state: ${state}`)
}

async function run(): Promise<void> {
  await using client = await Client.connect(broker, { clientId: 'await-mqtt-browser-test' })
  log(`connected to ${broker} with MQTT ${client.protocolVersion === 5 ? '5' : '3.1.1'}`)
  await using messages = client.messages(inbox)
  const subscription = await client.subscribe(inbox, { qos: 1 })
  log(`subscribed to ${inbox}, granted QoS ${subscription.granted[0]?.qos}`)
  setState('subscribed')
  for await (const message of messages) {
    log(`received on ${message.topic.value}: ${message.text()}`)
    await client.publish(outbox, `browser got: ${message.text()}`, { qos: 1 })
    log(`published to ${outbox}`)
    break
  }
}

run().then(
  () => setState('done'),
  (error: unknown) => {
    log(`error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
    setState('failed')
  },
)
