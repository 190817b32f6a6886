import type { BenchBroker } from './broker.js'
import type { BenchConfig } from './config.js'
import type { Group } from './measure.js'
import { runSharePool } from './share-pool-run.js'

/** Work per job: a fixed wait, as a job that waits on I/O. */
export const shareWorkMs = 5

/**
 * Scale-out of consumers (issue 22), the short version of `npm run bench:share`: 1, 2 and 4 worker
 * processes on one `$share` group (mosquitto only: aedes has no `$share`), QoS 1,
 * `ack: 'after-processing'`, {@link shareWorkMs} ms per job. One timed round: the figure is
 * set by the work time, not by the machine's noise. "vs base" is the speed-up over one worker.
 */
export function shareGroups(broker: BenchBroker, config: BenchConfig): Group[] {
  if (broker.name !== 'mosquitto') return []
  return [
    {
      broker: broker.name,
      scenario: `share: ${config.shareJobs} jobs, ${shareWorkMs} ms each`,
      unit: 'msg/s',
      higherIsBetter: true,
      size: config.shareJobs,
      warmupSize: 50,
      maxRounds: 1,
      contenders: [1, 2, 4].map((workers) => ({
        name: `${workers} worker process${workers === 1 ? '' : 'es'}`,
        baseline: workers === 1,
        async run(jobs: number) {
          const { jobsPerSecond, duplicates } = await runSharePool(broker.url, workers, jobs, shareWorkMs)
          return {
            value: jobsPerSecond,
            extra: { duplicates },
            ...(duplicates > 0 ? { note: `${duplicates} jobs processed twice` } : {}),
          }
        },
      })),
    },
  ]
}
