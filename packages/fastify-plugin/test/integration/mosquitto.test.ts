import { mosquittoAvailable, mosquittoSkipReason, startMosquitto } from '@await-mqtt/test-utils'
import { describe } from 'vitest'
import { fastifySuite } from './suite.js'

describe.skipIf(!mosquittoAvailable())(
  `on mosquitto (MQTT 5) ${mosquittoAvailable() ? '' : mosquittoSkipReason}`,
  () => {
    fastifySuite(() => startMosquitto({ websocket: false }))
  },
)
