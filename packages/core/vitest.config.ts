import { type Tier, tieredPackage } from '../../vitest.shared.ts'

/** Run one alone with `npx vitest run --project core:unit` (here or from the repository root). */
export const tiers: Record<string, Tier> = {
  /** No sockets: pure logic, plus the type tests. */
  unit: { include: ['test/unit/**/*.test.ts'], types: true },
  /** Real brokers: aedes in-process, mosquitto, proxies, TLS, WebSockets; reliability across restarts. */
  integration: { include: ['test/integration/**/*.test.ts', 'test/reliability/**/*.test.ts'] },
  /** Hostile brokers and networks, fuzzing, resource leaks. */
  faults: { include: ['test/faults/**/*.test.ts'] },
  /** The benchmark runner end to end with tiny sizes (speed is never asserted). */
  bench: { include: ['test/bench/**/*.test.ts'] },
}

export default tieredPackage('core', tiers)
