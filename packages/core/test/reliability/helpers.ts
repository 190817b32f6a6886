import type { ConnectionEvent, ConnectionEvents } from '../../src/index.js'

/** Resolves with the first event of `type` (and every event seen before it). */
export async function nextEvent<T extends ConnectionEvent['type']>(
  events: ConnectionEvents,
  type: T,
  seen: ConnectionEvent[] = [],
): Promise<Extract<ConnectionEvent, { type: T }>> {
  for (;;) {
    const result = await events.next()
    if (result.done)
      throw new Error(`the events ended before a '${type}' event (saw ${seen.map((e) => e.type)})`)
    seen.push(result.value)
    if (result.value.type === type) return result.value as Extract<ConnectionEvent, { type: T }>
  }
}

/** Polls `condition` every 5 ms until it holds or `ms` pass. */
export async function until(condition: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** The active handles and process listeners, counted by kind. */
export function resources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1
  for (const event of process.eventNames()) counts[`process:${String(event)}`] = process.listenerCount(event)
  return counts
}

/** Waits until the handles and listeners are back to `baseline`; returns what is still extra. */
export async function backTo(baseline: Record<string, number>, ms = 2_000): Promise<Record<string, number>> {
  let extra: Record<string, number> = {}
  const deadline = Date.now() + ms
  do {
    const now = resources()
    extra = {}
    for (const key of new Set([...Object.keys(now), ...Object.keys(baseline)])) {
      const delta = (now[key] ?? 0) - (baseline[key] ?? 0)
      if (delta > 0) extra[key] = delta
    }
    if (Object.keys(extra).length === 0) return extra
    await new Promise((resolve) => setTimeout(resolve, 20))
  } while (Date.now() < deadline)
  return extra
}
