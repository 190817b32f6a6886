/**
 * The bytes as a Node Buffer over the same memory, without copying: MQTT.js's encoder expects
 * Buffers. Where there is no global `Buffer` (browsers), the bytes are passed on as they are.
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  // Looked up at each call, not once: a bundle may provide (or a test remove) the global later.
  const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer
  if (NodeBuffer === undefined || NodeBuffer.isBuffer(bytes)) return bytes as Buffer
  return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
