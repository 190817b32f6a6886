import type { QueueOptions } from './client-options.js'

/** A stream's bounds, defaults applied (no byte bound when `maxQueuedBytes` is left out). */
export type StreamLimits = Omit<Required<QueueOptions>, 'maxQueuedBytes'> &
  Pick<QueueOptions, 'maxQueuedBytes'>
