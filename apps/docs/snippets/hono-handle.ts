import { createMqttLifespan } from '@await-mqtt/hono'

declare function save(room: string, celsius: number): Promise<void>

export async function handlers() {
  // #region handle
  const lifespan = createMqttLifespan('mqtt://localhost')
  lifespan.handle(
    'sensors/+room/temperature', // subscribed as sensors/+/temperature
    async (message, { params }) => {
      await save(params.room, message.json<{ celsius: number }>().celsius) // params: { room: string }
    },
    { qos: 1 },
  )
  await lifespan.start() // subscribes every handler (rejects if the broker refuses one)
  // ... serve the app; on shutdown, the message being handled finishes before the client closes:
  await lifespan.stop()
  // #endregion handle
}
