/**
 * The examples, one per section of the asyncio-mqtt README; `npm run demo` runs them all.
 * @module
 */
export { type Example, examples } from './examples.js'
export type { ExampleContext, ExampleMain } from './support/context.js'
