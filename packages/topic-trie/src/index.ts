/**
 * Spec-exact MQTT topic matching: a wildcard trie, validation, shared subscriptions. Zero dependencies.
 * @module
 */
export { type TopicRule, TopicValidationError } from './errors.js'
export { matches } from './matches.js'
export { parseShared, type SharedFilter } from './shared.js'
export { TopicTrie } from './topic-trie.js'
export { validateFilter, validateTopic } from './validate.js'
