import type { Client } from '@await-mqtt/core'
import type { Context, MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import type { MqttLifespan } from './lifespan.js'

/**
 * The context variables {@link mqtt} sets: `c.var.mqtt` (or the name given as `variable`).
 *
 * For typing without generics, augment Hono once in your app (optional; `MqttEnv` works without it):
 * ```ts
 * declare module 'hono' { interface ContextVariableMap extends MqttVariables {} }
 * ```
 * @example
 * const app = new Hono<{ Variables: MqttVariables & { user: string } }>()
 */
export type MqttVariables<Name extends string = 'mqtt'> = { [K in Name]: Client }

/**
 * The Hono `Env` of an app or route that uses {@link mqtt}.
 * @example
 * const app = new Hono<MqttEnv>().use(mqtt(lifespan))
 * app.post('/say', async (c) => { await c.var.mqtt.publish('chat', await c.req.text()); return c.body(null, 204) })
 */
export type MqttEnv<Name extends string = 'mqtt'> = { Variables: MqttVariables<Name> }

/**
 * Options of {@link mqtt}.
 * @example
 * new Hono().use(mqtt(lifespan, { variable: 'broker' })).get('/', (c) => c.text(c.var.broker.clientId))
 */
export interface MqttOptions<Name extends string = 'mqtt'> {
  /** Name of the context variable the client is set as. @default 'mqtt' */
  variable?: Name
}

/**
 * The request's variable holding the lifespan {@link mqtt} ran with (read by `mqttSSE`). A symbol:
 * no name of the app's can collide with it, and it stays out of the typed `c.var`.
 */
const lifespanVariable: unique symbol = Symbol('@await-mqtt/hono lifespan')

/** The context of a request {@link mqtt} ran for, as the middleware and `mqttSSE` see it. */
type LifespanContext = Context<{ Variables: { [lifespanVariable]: MqttLifespan | undefined } }>

/** The lifespan {@link mqtt} ran with for this request, if it did. */
export function lifespanOf(c: Context): MqttLifespan | undefined {
  return (c as LifespanContext).get(lifespanVariable)
}

/**
 * Middleware that sets the lifespan's client as `c.var.mqtt` (or `c.var[variable]`). Before
 * `start()` resolved, once `stop()` was called, or while the client is not connected (connection
 * lost), it answers 503 (an `HTTPException`) instead of letting the request wait.
 *
 * @example
 * const lifespan = createMqttLifespan('mqtt://localhost')
 * const app = new Hono().use(mqtt(lifespan)).post('/publish/:topic', async (c) => {
 *   await c.var.mqtt.publish(c.req.param('topic'), await c.req.text(), { qos: 1 })
 *   return c.body(null, 204)
 * })
 */
export function mqtt<const Name extends string = 'mqtt'>(
  lifespan: MqttLifespan,
  { variable = 'mqtt' as Name }: MqttOptions<Name> = {},
): MiddlewareHandler<MqttEnv<Name>> {
  return createMiddleware<MqttEnv<Name>>(async (c, next) => {
    let client: Client
    try {
      client = lifespan.client
    } catch (error) {
      throw new HTTPException(503, { message: (error as Error).message, cause: error })
    }
    if (!client.connected) {
      throw new HTTPException(503, {
        message: 'the MQTT client is not connected: the connection to the broker was lost',
      })
    }
    c.set(variable, client as MqttVariables<Name>[Name])
    ;(c as unknown as LifespanContext).set(lifespanVariable, lifespan)
    await next()
  })
}
