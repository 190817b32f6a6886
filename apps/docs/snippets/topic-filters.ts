import { Topic } from '@await-mqtt/core'
import {
  formatShared,
  matches,
  parseShared,
  pattern,
  TopicTrie,
  TopicValidationError,
  validateFilter,
  validateTopic,
} from '@await-mqtt/topic-trie'

export function rules() {
  // #region matches
  matches('sensors/+/temperature', 'sensors/kitchen/temperature') // true: + is one level
  matches('sensors/#', 'sensors/kitchen/temperature') // true: # is every level below...
  matches('sensors/#', 'sensors') // true: ...and the parent level itself
  matches('+/+', '/finance') // true: empty levels are levels
  matches('#', '$SYS/broker/uptime') // false: $ topics do not match a leading wildcard
  matches('$SYS/#', '$SYS/broker/uptime') // true
  // #endregion matches
}

export function trie() {
  // #region trie
  const routes = new TopicTrie<string>()
  routes.add('sensors/+/temperature', 'thermometers').add('sensors/#', 'archive').add('alerts/#', 'pager')
  routes.match('sensors/kitchen/temperature') // ['thermometers', 'archive'] (each value once, in no set order)
  routes.test('alerts/fire') // true: at least one filter matches
  routes.remove('sensors/#', 'archive')
  for (const [filter, values] of routes) console.log(filter, values)
  // #endregion trie
}

export function named() {
  // #region pattern
  const reading = pattern('sensors/+room/#path')
  reading.filter // 'sensors/+/#': what you subscribe with
  const params = reading.match('sensors/kitchen/temperature/celsius')
  if (params) console.log(params.room, params.path) // 'kitchen' ['temperature', 'celsius'], typed
  // #endregion pattern
}

export function validation() {
  // #region validate
  try {
    validateTopic('sensors/kitchen/temperature') // fine
    validateFilter('sport/#/ranking') // throws: # must be the last level
  } catch (error) {
    if (error instanceof TopicValidationError) console.log(error.rule) // 'multi-level-wildcard-not-last'
  }
  parseShared('$share/workers/jobs/#') // { group: 'workers', filter: 'jobs/#' }
  formatShared('workers', 'jobs/#') // '$share/workers/jobs/#'
  // #endregion validate
}

export function topics() {
  // #region topic
  const topic = new Topic('sensors/kitchen/temperature') // what message.topic is
  topic.levels // ['sensors', 'kitchen', 'temperature']
  topic.matches('sensors/+/temperature') // true
  // #endregion topic
}
