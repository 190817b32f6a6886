import { startAedes } from '@await-mqtt/test-utils'
import { describe } from 'vitest'
import { fastifySuite } from './suite.js'

describe('on aedes (MQTT 3.1.1)', () => {
  fastifySuite(() => startAedes({ websocket: false }))
})
