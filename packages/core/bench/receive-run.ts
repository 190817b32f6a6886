import { type BenchBroker, sendMessages } from './broker.js'
import type { Sample } from './measure.js'

/** Counts received messages and remembers when the first and the last arrived. */
export class Counter {
  readonly total: number
  count = 0
  firstAt: number | undefined
  lastAt: number | undefined
  readonly finished: Promise<void>
  #resolve: () => void = () => {}

  constructor(total: number) {
    this.total = total
    this.finished = new Promise((resolve) => {
      this.#resolve = resolve
    })
  }

  /** One more message; true once all arrived. */
  tick(): boolean {
    const count = ++this.count
    if (count === 1) this.firstAt = this.lastAt = performance.now()
    else if ((count & 255) === 0) this.lastAt = performance.now()
    if (count === this.total) {
      this.lastAt = performance.now()
      this.#resolve()
      return true
    }
    return false
  }
}

/** A receiver ready to count: subscribed, listening. */
export interface OpenReceiver {
  /** Where the publisher sends. */
  topic: string
  /** Something to report about this run (e.g. messages dropped by a queue). */
  note?(): string | undefined
  close(): Promise<void>
}

/** How long the receiver may see nothing new, after the publisher finished, before the run ends short. */
const idleMs = 1_500

/** Resolves when every message arrived, or nothing arrived for a while after the publisher exited. */
function settle(counter: Counter, publisherDone: () => boolean): Promise<void> {
  let last = -1
  let quietSince = performance.now()
  let timer: NodeJS.Timeout | undefined
  const idle = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      const now = performance.now()
      if (counter.count !== last) {
        last = counter.count
        quietSince = now
      } else if (publisherDone() && now - quietSince > idleMs) resolve()
    }, 100)
  })
  return Promise.race([counter.finished, idle]).finally(() => clearInterval(timer))
}

/**
 * One publish -> receive run: `open` subscribes a receiver, then mosquitto_pub (the same external
 * publisher for every contender) sends `size` messages of `payloadSize` bytes. The rate counts from
 * the first message received to the last; CPU is this process's, from the publisher's start to the end.
 */
export async function receiveRun(
  broker: BenchBroker,
  size: number,
  payloadSize: number,
  open: (counter: Counter) => Promise<OpenReceiver>,
): Promise<Sample> {
  const counter = new Counter(size)
  const receiver = await open(counter)
  try {
    const cpu = process.cpuUsage()
    let publisherDone = false
    const publishing = sendMessages(broker, receiver.topic, size, payloadSize)
    publishing.then(
      () => {
        publisherDone = true
      },
      () => {
        publisherDone = true
      },
    )
    await settle(counter, () => publisherDone)
    const used = process.cpuUsage(cpu)
    await publishing
    return sampleOf(counter, used.user + used.system, receiver.note?.())
  } finally {
    await receiver.close()
  }
}

/** The rate between the first and the last message, with a note when some never arrived. */
export function sampleOf(counter: Counter, cpuMicros: number | undefined, note: string | undefined): Sample {
  const { count, total, firstAt = 0, lastAt = 0 } = counter
  if (count < 2 || lastAt <= firstAt) throw new Error(`only ${count} of ${total} messages arrived`)
  const sample: Sample = { value: ((count - 1) / (lastAt - firstAt)) * 1000 }
  if (cpuMicros !== undefined) sample.cpuMicrosPerMessage = cpuMicros / count
  const notes = [note, count < total ? `${total - count} of ${total} lost` : undefined].filter(Boolean)
  if (notes.length > 0) sample.note = notes.join('; ')
  sample.extra = { received: count }
  return sample
}
