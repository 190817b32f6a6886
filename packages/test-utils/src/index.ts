/**
 * Test fixtures shared by every package: real brokers on 127.0.0.1 and free ports, never mocks.
 * @module
 */
export { type EmbeddedBroker, type StartAedesOptions, startAedes } from './aedes.js'
export {
  type AedesCluster,
  type AedesClusterNode,
  type StartAedesClusterOptions,
  startAedesCluster,
} from './aedes-cluster.js'
export { generateCertificates, type TestCertificates } from './certificates.js'
export {
  type DanteServer,
  danteAvailable,
  danteBinary,
  danteSkipReason,
  startDante,
} from './dante.js'
export { type FaultMode, type FaultProxy, startFaultProxy } from './fault-proxy.js'
export { freePort } from './free-port.js'
export {
  type MicrosocksServer,
  microsocksAvailable,
  microsocksBinary,
  microsocksSkipReason,
  type StartMicrosocksOptions,
  startMicrosocks,
} from './microsocks.js'
export {
  type MosquittoBroker,
  mosquittoAvailable,
  mosquittoBinary,
  mosquittoSkipReason,
  type StartMosquittoOptions,
  startMosquitto,
} from './mosquitto.js'
export type { ProxyServer } from './proxy-daemon.js'
export {
  type RedisServer,
  redisAvailable,
  redisBinary,
  redisSkipReason,
  startRedis,
} from './redis.js'
export {
  type ScriptedBroker,
  type ScriptedConnection,
  type StartScriptedBrokerOptions,
  startScriptedBroker,
} from './scripted-broker.js'
export { type ServerSentEvent, serverSentEvents } from './sse.js'
export {
  type StartTinyproxyOptions,
  startTinyproxy,
  type TinyproxyServer,
  tinyproxyAvailable,
  tinyproxyBinary,
  tinyproxySkipReason,
} from './tinyproxy.js'
export { uniqueTopic } from './unique-topic.js'
export { waitForPort, waitForPortClosed } from './wait-for-port.js'
