import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveOptions } from '../../src/options/resolve-options.js'

const src = new URL('../../src/', import.meta.url).pathname

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  )
  return nested.flat().filter((file) => file.endsWith('.ts'))
}

describe('the core can be bundled for a browser', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('has no runtime import of a Node built-in (Node modules are fetched at connect time)', async () => {
    const offenders: string[] = []
    for (const file of await sourceFiles(src)) {
      const text = await readFile(file, 'utf8')
      for (const line of text.split('\n')) {
        const runtimeImport = /^\s*import\s+(?!type\b)[^;]*from\s+'(node:[^']+|net|tls|http|https|stream)'/
        if (runtimeImport.test(line) || /\brequire\(/.test(line)) offenders.push(`${file}: ${line.trim()}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('resolves options without a global Buffer', () => {
    vi.stubGlobal('Buffer', undefined)
    const bytes = new Uint8Array([1, 2])
    const resolved = resolveOptions('wss://broker.example/mqtt', {
      password: 'secret',
      will: { topic: 'w', payload: bytes },
      tls: { ca: bytes },
    })
    expect(resolved.mqtt.password).toBe('secret')
    expect(resolved.mqtt.will?.payload).toBe(bytes)
    expect(resolved.target.tls?.ca).toBe(bytes)
  })

  it.each([
    ['transport', 'mqtt://broker.example', {}],
    ['proxy', 'wss://broker.example', { proxy: { type: 'http', host: 'p', port: 3128 } }],
    ['bindAddress', 'ws://broker.example', { bindAddress: '10.0.0.2' }],
    ['socketOptions', 'ws://broker.example', { socketOptions: { noDelay: true } }],
  ] as const)('refuses %s outside Node, before connecting', (field, url, options) => {
    vi.stubGlobal('process', { ...process, getBuiltinModule: undefined })
    expect(() => resolveOptions(url, options)).toThrow(expect.objectContaining({ field }))
  })

  it('resolves ws:// and wss:// outside Node', () => {
    vi.stubGlobal('process', { ...process, getBuiltinModule: undefined })
    expect(resolveOptions('wss://broker.example/mqtt', { tls: { ca: 'PEM' } }).address).toBe(
      'wss://broker.example:443/mqtt',
    )
  })
})
