// aedes-persistence-redis ships no types: the part of its async persistence that aedes-cluster-node.ts uses.
declare module 'aedes-persistence-redis/asyncPersistence.js' {
  /** The async (aedes 1.x) Redis persistence; `opts` are ioredis's plus its own. */
  export default class AsyncRedisPersistence {
    constructor(opts?: {
      host?: string
      port?: number
      /** How many queued messages a reconnecting client gets at CONNECT (default 1000). */
      maxSessionDelivery?: number
    })
    setup(broker: unknown): Promise<void>
    /** The retained messages matching `patterns`. */
    createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown>
    /** The client's stored incoming QoS 2 PUBLISH with the packet's messageId; rejects when there is none. */
    incomingGetPacket(client: { id: string }, packet: { messageId?: number }): Promise<unknown>
    destroy(): Promise<void>
  }
}
