/**
 * One node of {@link startAedesCluster}, in its own process so that a test can SIGKILL it:
 * `aedes-cluster-node.ts <redisPort> <mqttPort> <brokerId>` (run with tsx). aedes shares
 * subscriptions, sessions, queued QoS 1/2 messages and retained messages with the other nodes
 * through Redis (aedes-persistence-redis) and forwards publications through Redis pub/sub
 * (mqemitter-redis), and acknowledges a client's QoS 1/2 PUBLISH only once it is there
 * (aedes-acknowledge-after-publish.ts). SIGTERM closes it cleanly.
 * @module
 */
import { createServer, type Socket } from 'node:net'
import { Readable } from 'node:stream'
import { Aedes } from 'aedes'
import AsyncRedisPersistence from 'aedes-persistence-redis/asyncPersistence.js'
import mqemitterRedis from 'mqemitter-redis'
import { acknowledgeAfterPublish } from './aedes-acknowledge-after-publish.js'

const [redisPort, mqttPort, id] = process.argv.slice(2)
if (redisPort === undefined || mqttPort === undefined || id === undefined) {
  throw new Error('usage: aedes-cluster-node.ts <redisPort> <mqttPort> <brokerId>')
}
const host = '127.0.0.1'
const redis = { host, port: Number(redisPort) }

// ioredis 5.11 sends CLIENT SETINFO, then an INFO ready check, after connecting: a SUBSCRIBE that
// mqemitter-redis issues in between puts the connection in subscriber mode, the INFO throws
// ("Connection in subscriber mode") and the node dies at start. Neither is needed here.
const mq = mqemitterRedis({ ...redis, enableReadyCheck: false, disableClientInfo: true })
// Its default hands a reconnecting client only the first 1000 queued messages at CONNECT (the
// rest wait for its next CONNECT): a failover mid-stream can leave more than that queued.
const persistence = new AsyncRedisPersistence({ ...redis, maxSessionDelivery: 1_000_000 })
// aedes 1.2 pipes the retained messages of a SUBSCRIBE (`.pipe`), aedes-persistence-redis 11 hands
// them as an async generator: a SUBSCRIBE would crash the node. Its other streams go through
// `pipeline` or `for await`, which take a generator.
const retained = persistence.createRetainedStreamCombi.bind(persistence)
persistence.createRetainedStreamCombi = (patterns) => Readable.from(retained(patterns))
const broker = await Aedes.createBroker({ id, mq, persistence })
// aedes acknowledges a QoS 1/2 PUBLISH before the message is in Redis: a SIGKILLed node would lose
// what it acknowledged. See aedes-acknowledge-after-publish.ts.
acknowledgeAfterPublish(broker, persistence)
const sockets = new Set<Socket>()
const server = createServer((socket) => {
  sockets.add(socket)
  socket.once('close', () => sockets.delete(socket))
  broker.handle(socket)
})
server.listen(Number(mqttPort), host)

process.once('SIGTERM', () => {
  server.close()
  for (const socket of sockets) socket.destroy()
  broker.close(() => {
    persistence.destroy().finally(() => process.exit(0))
  })
})
