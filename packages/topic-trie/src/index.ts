/**
 * Spec-exact MQTT 3.1.1/5.0 topic matching: a fast wildcard trie, validation, shared subscriptions and
 * named wildcards. Zero dependencies; runs in Node and browsers.
 * @module
 */
export { type TopicRule, TopicValidationError } from './errors.js'
export { matches } from './matches.js'
export type { ProtocolVersion, TopicOptions } from './options.js'
export { pattern, type TopicPattern } from './pattern.js'
export type { PatternParams } from './pattern-types.js'
export { formatShared, parseShared, type SharedFilter } from './shared.js'
export { TopicTrie, type TopicTrieOptions } from './topic-trie.js'
export {
  maxStringBytes,
  mqttStringProblem,
  type StringCheckOptions,
  type StringProblem,
  type StringRule,
  utf8ByteLength,
} from './utf8.js'
export { maxTopicBytes, type ValidateOptions, validateFilter, validateTopic } from './validate.js'
