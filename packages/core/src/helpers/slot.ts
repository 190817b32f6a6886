/**
 * A WeakMap's job, with the value kept on the key object itself (a symbol-keyed property, which
 * `Object.keys()` and JSON leave out): for state found back from an object handed to shared
 * listeners (a socket, an MQTT.js client). A WeakMap of thousands of entries (one per client) is an
 * ephemeron table every garbage collection has to walk; a property costs the collector nothing
 * more than the object it is on. Mind objects in dictionary mode: each slot is one more entry; and
 * a symbol-keyed property added past an object's 15th can turn it into one (see "Per-client
 * objects" in ARCHITECTURE.md): for a class of ours, declare a field instead.
 * @example
 * const owners = new Slot<Socket, Stream>('stream')
 * owners.set(socket, stream)
 * socket.on('data', function (this: Socket) { owners.get(this)?.read() })
 */
export class Slot<K extends object, V> {
  readonly #key: symbol

  /** @param description names the symbol (seen in heap snapshots and debuggers). */
  constructor(description: string) {
    this.#key = Symbol(description)
  }

  get(owner: K): V | undefined {
    return (owner as Record<symbol, V | undefined>)[this.#key]
  }

  has(owner: K): boolean {
    return this.get(owner) !== undefined
  }

  set(owner: K, value: V): void {
    // A plain assignment: defining a non-enumerable property turned objects with many properties
    // (MQTT.js's options, sockets) into dictionaries. Set to undefined, never deleted, for the same reason.
    ;(owner as Record<symbol, V | undefined>)[this.#key] = value
  }

  /** Forgets the value; whether there was one. */
  delete(owner: K): boolean {
    if (!this.has(owner)) return false
    ;(owner as Record<symbol, V | undefined>)[this.#key] = undefined
    return true
  }
}
