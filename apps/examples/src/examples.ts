/**
 * Every example, in the order of the asyncio-mqtt README's sections; `run-all.ts` and the tests
 * run them from this list.
 * @module
 */
import { main as cluster } from './cluster.js'
import { main as configuringTheClient } from './configuring-the-client.js'
import { main as dashboard } from './dashboard.js'
import { main as fastifySse } from './fastify-sse.js'
import { main as honoSse } from './hono-sse.js'
import { main as listeningWithoutBlocking } from './listening-without-blocking.js'
import { main as manualAcks } from './manual-acks.js'
import { main as namedWildcards } from './named-wildcards.js'
import { main as proxying } from './proxying.js'
import { main as publisher } from './publisher.js'
import { main as readingWithATimeout } from './reading-with-a-timeout.js'
import { main as reconnecting } from './reconnecting.js'
import { main as reconnectingAutomatically } from './reconnecting-automatically.js'
import { main as requestResponse } from './request-response.js'
import { main as scopedLifetimes } from './scoped-lifetimes.js'
import { main as sharedSubscriptions } from './shared-subscriptions.js'
import { main as sharingTheConnection } from './sharing-the-connection.js'
import { main as subscriber } from './subscriber.js'
import type { ExampleMain } from './support/context.js'
import { main as tls } from './tls.js'
import { main as topicFilters } from './topic-filters.js'
import { main as typedPayloads } from './typed-payloads.js'

/** One runnable example. */
export interface Example {
  /** Its file in `src/`, without `.ts`. */
  readonly name: string
  /** The seed README section it shows (or what it adds beyond the seed). */
  readonly section: string
  readonly main: ExampleMain
}

export const examples: readonly Example[] = [
  { name: 'subscriber', section: 'Subscriber', main: subscriber },
  { name: 'publisher', section: 'Publisher', main: publisher },
  { name: 'configuring-the-client', section: 'Configuring the client', main: configuringTheClient },
  { name: 'reconnecting', section: 'Reconnecting (the user loop)', main: reconnecting },
  {
    name: 'reconnecting-automatically',
    section: 'Reconnecting (the reconnect option)',
    main: reconnectingAutomatically,
  },
  { name: 'topic-filters', section: 'Topic filters', main: topicFilters },
  { name: 'sharing-the-connection', section: 'Sharing the connection', main: sharingTheConnection },
  { name: 'fastify-sse', section: 'Side by side with web frameworks (Fastify)', main: fastifySse },
  { name: 'hono-sse', section: 'Side by side with web frameworks (Hono)', main: honoSse },
  {
    name: 'scoped-lifetimes',
    section: "Why can't I connect/disconnect manually?",
    main: scopedLifetimes,
  },
  {
    name: 'listening-without-blocking',
    section: 'Listening without blocking',
    main: listeningWithoutBlocking,
  },
  { name: 'tls', section: 'TLS', main: tls },
  { name: 'proxying', section: 'Proxying', main: proxying },
  {
    name: 'shared-subscriptions',
    section: 'Beyond the seed: shared subscriptions',
    main: sharedSubscriptions,
  },
  { name: 'dashboard', section: 'Beyond the seed: MQTT → SSE dashboard page', main: dashboard },
  {
    name: 'typed-payloads',
    section: 'Beyond the seed: typed payloads (Standard Schema)',
    main: typedPayloads,
  },
  { name: 'request-response', section: 'Beyond the seed: request/response (MQTT 5)', main: requestResponse },
  {
    name: 'manual-acks',
    section: "Beyond the seed: acknowledging yourself (ack: 'manual')",
    main: manualAcks,
  },
  {
    name: 'reading-with-a-timeout',
    section: 'Beyond the seed: reads with a timeout or a signal',
    main: readingWithATimeout,
  },
  { name: 'named-wildcards', section: 'Beyond the seed: named wildcards', main: namedWildcards },
  { name: 'cluster', section: 'Beyond the seed: a cluster losing a node', main: cluster },
]
