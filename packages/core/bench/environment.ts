import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { mosquittoBinary } from '@await-mqtt/test-utils'

function version(root: string, path: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(root, 'node_modules', path, 'package.json'), 'utf8')) as {
        version: string
      }
    ).version
  } catch {
    return '?'
  }
}

function mosquittoVersion(): string {
  const binary = mosquittoBinary()
  if (binary === undefined) return 'not installed'
  try {
    return execFileSync(binary, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? '')
    return /version (\S+)/.exec(output)?.[1] ?? '?'
  }
}

function git(root: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return ''
  }
}

/** The commit measured, and whether the measured sources had uncommitted changes. */
function revision(root: string): string {
  const commit = git(root, ['rev-parse', '--short', 'HEAD']) || 'unknown commit'
  const dirty = git(root, ['status', '--porcelain', '--', 'packages/core/src', 'packages/topic-trie/src'])
  return dirty === '' ? commit : `${commit} + uncommitted changes in core/topic-trie src`
}

/** What the figures were measured on. */
export interface Environment {
  date: string
  revision: string
  node: string
  platform: string
  cpus: number
  cpuModel: string
  mqtt: string
  asyncMqtt: string
  asyncMqttBundledMqtt: string
  aedes: string
  mosquitto: string
  loadAverageAtStart: number[]
}

export function describeEnvironment(root: string): Environment {
  return {
    date: new Date().toISOString(),
    revision: revision(root),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    mqtt: version(root, 'mqtt'),
    asyncMqtt: version(root, 'async-mqtt'),
    asyncMqttBundledMqtt: version(root, 'async-mqtt/node_modules/mqtt'),
    aedes: version(root, 'aedes'),
    mosquitto: mosquittoVersion(),
    loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
  }
}

/** One line: machine, versions, date. */
export function environmentLine(environment: Environment, loadAtEnd: number[]): string {
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ')
  return [
    `Node ${environment.node}, ${environment.platform}, ${environment.cpus} CPUs`,
    `mqtt ${environment.mqtt}, async-mqtt ${environment.asyncMqtt} (bundles mqtt ${environment.asyncMqttBundledMqtt})`,
    `aedes ${environment.aedes}, mosquitto ${environment.mosquitto}`,
    `${environment.revision}, ${environment.date.slice(0, 10)}; load average ${load(environment.loadAverageAtStart)} at start, ${load(loadAtEnd)} at end`,
  ].join('; ')
}
