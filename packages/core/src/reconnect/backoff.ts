import type { ReconnectOptions } from '../options/client-options.js'

/** The settings {@link backoffDelay} needs. */
export type BackoffOptions = Required<Pick<ReconnectOptions, 'minDelay' | 'maxDelay' | 'factor' | 'jitter'>>

/**
 * How long to wait before reconnection attempt `attempt` (1 for the first): exponential backoff,
 * `minDelay * factor^(attempt - 1)` capped at `maxDelay`, then spread by ±`jitter` (a share of the
 * delay) so that many clients cut off together do not come back in lockstep. Never below 0 and
 * never above `maxDelay` (or `minDelay`, when that is the larger).
 * @example
 * backoffDelay(3, { minDelay: 100, maxDelay: 30_000, factor: 2, jitter: 0 }) // 400
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const { minDelay, factor, jitter } = options
  const maxDelay = Math.max(options.maxDelay, minDelay)
  const exponent = Math.max(0, attempt - 1)
  const base = minDelay === 0 ? 0 : Math.min(maxDelay, minDelay * factor ** exponent)
  const spread = base * jitter * (2 * random() - 1)
  return Math.round(Math.min(maxDelay, Math.max(0, base + spread)))
}
