import type { EmbeddedBroker } from '@await-mqtt/test-utils'

/**
 * What every example's `main` takes. Only `url` and `log` are needed; the runner (`run-all.ts`),
 * `runAlone` and the tests fill in the rest.
 */
export interface ExampleContext {
  /** The broker to connect to: `MQTT_URL`, or the embedded aedes the runner started. */
  url: string
  /** Where the example prints its lines. */
  log: (line: string) => void
  /** Stops the example early (Ctrl-C when run alone, the runner's time limit). */
  signal?: AbortSignal
  /** Keep listeners running until `signal` aborts, instead of ending after the demo. @default false */
  forever?: boolean
  /** Every topic the example uses starts with this, so runs on a shared broker stay apart. @default 'demo' */
  prefix?: string
  /** The runner's embedded broker, when it started one (`dropConnections()`, `broker.handle`). */
  broker?: EmbeddedBroker
}

/** The shape of every example module's `main`. */
export type ExampleMain = (context: ExampleContext) => Promise<void>
