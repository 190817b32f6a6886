import type { Client } from '@await-mqtt/core'
import { Hono } from 'hono'
import { expectTypeOf, it } from 'vitest'
import type { MqttVariables } from '../src/index.js'

// The optional global augmentation a user may add once in their app.
declare module 'hono' {
  interface ContextVariableMap extends MqttVariables {}
}

it('types c.var.mqtt in every app once ContextVariableMap is augmented', () => {
  new Hono().get('/', (c) => {
    expectTypeOf(c.var.mqtt).toEqualTypeOf<Client>()
    expectTypeOf(c.get('mqtt')).toEqualTypeOf<Client>()
    return c.text('ok')
  })
})
