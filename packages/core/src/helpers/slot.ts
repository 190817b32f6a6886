/**
 * A WeakMap's job, with the value kept on the key object itself (a non-enumerable symbol-keyed
 * property): for state found back from an object handed to shared listeners (a socket, an MQTT.js
 * client). A WeakMap of thousands of entries (one per client) is an ephemeron table every garbage
 * collection has to walk; a property costs the collector nothing more than the object it is on.
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
    const key = this.#key
    // Set to undefined, never deleted, once there: a delete could turn the object into a dictionary.
    if (Object.hasOwn(owner, key)) (owner as Record<symbol, V | undefined>)[key] = value
    else Object.defineProperty(owner, key, { value, writable: true, enumerable: false, configurable: true })
  }

  /** Forgets the value; whether there was one. */
  delete(owner: K): boolean {
    if (!this.has(owner)) return false
    ;(owner as Record<symbol, V | undefined>)[this.#key] = undefined
    return true
  }
}
