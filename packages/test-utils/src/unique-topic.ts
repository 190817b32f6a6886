import { randomUUID } from 'node:crypto'

/** A topic prefix no other test uses, so tests sharing a broker never see each other's messages. */
export function uniqueTopic(name = 'test'): string {
  return `await-mqtt/${name}/${randomUUID().slice(0, 8)}`
}
