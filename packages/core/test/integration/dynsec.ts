import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

const pluginPaths = [
  '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/mosquitto_dynamic_security.so',
]

/** Where Debian's mosquitto dynamic-security plugin is, or undefined. */
export const dynsecPlugin = pluginPaths.find((path) => existsSync(path))

/**
 * mosquitto.conf lines loading the dynamic-security plugin, with anonymous clients denied the
 * subscribe patterns given. Mosquitto's ACL *file* never refuses a SUBSCRIBE (it filters at
 * delivery instead); the plugin answers SUBACK 0x87, which is what these tests need.
 */
export async function denySubscribeConfig(patterns: string[]): Promise<string> {
  if (dynsecPlugin === undefined) throw new Error('mosquitto_dynamic_security.so not found')
  const dir = await mkdtemp(join(tmpdir(), 'await-mqtt-dynsec-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'dynamic-security.json')
  const config = {
    defaultACLAccess: {
      publishClientSend: true,
      publishClientReceive: true,
      subscribe: true,
      unsubscribe: true,
    },
    clients: [],
    groups: [{ groupname: 'anonymous', roles: [{ rolename: 'limited' }] }],
    roles: [
      {
        rolename: 'limited',
        acls: patterns.map((topic) => ({ acltype: 'subscribePattern', topic, priority: 0, allow: false })),
      },
    ],
    anonymousGroup: 'anonymous',
  }
  await writeFile(file, JSON.stringify(config))
  return `plugin ${dynsecPlugin}\nplugin_opt_config_file ${file}`
}
