import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type DefaultTheme, defineConfig } from 'vitepress'
import { apiSidebar } from './api-sidebar.js'

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Connecting', link: '/guide/connecting' },
      { text: 'Publishing', link: '/guide/publishing' },
      { text: 'Subscribing and message streams', link: '/guide/subscribing' },
      { text: 'Topic filters', link: '/guide/topic-filters' },
      { text: 'Acknowledging, timeouts, named wildcards', link: '/guide/receiving' },
      { text: 'Typed payloads', link: '/guide/typed-payloads' },
      { text: 'Request/response', link: '/guide/request-response' },
      { text: 'Errors and cancellation', link: '/guide/errors' },
      { text: 'Reconnecting and reliability', link: '/guide/reconnecting' },
      { text: 'Reliability in detail', link: '/guide/reliability' },
      { text: 'Behaviour in detail', link: '/guide/behaviour' },
      { text: 'Runtimes and module formats', link: '/guide/runtimes' },
      { text: 'How it works', link: '/guide/how-it-works' },
    ],
  },
  {
    text: 'Networks',
    items: [
      { text: 'TLS', link: '/guide/tls' },
      { text: 'Proxies', link: '/guide/proxies' },
      { text: 'WebSockets and browsers', link: '/guide/websockets-and-browsers' },
      { text: 'Transports in depth', link: '/guide/transports' },
      { text: 'Shared subscriptions and scaling out', link: '/guide/scaling' },
    ],
  },
  {
    text: 'Web frameworks',
    items: [
      { text: 'Fastify', link: '/integrations/fastify' },
      { text: 'Hono', link: '/integrations/hono' },
    ],
  },
  {
    text: 'Migrating',
    items: [
      { text: 'From MQTT.js', link: '/migrating/mqtt-js' },
      { text: 'From aiomqtt / asyncio-mqtt (Python)', link: '/migrating/asyncio-mqtt' },
    ],
  },
  { text: 'Benchmarks', link: '/benchmarks' },
  { text: 'API reference', link: '/api/' },
]

export default defineConfig({
  title: 'await-mqtt',
  description:
    'The idiomatic async/await MQTT client for TypeScript: no callbacks, typed errors, await using.',
  lang: 'en-US',
  cleanUrls: false,
  lastUpdated: false,
  srcExclude: ['README.md', 'generated/**', 'test/**', 'test-artifacts/**', 'snippets/**', 'scripts/**'],
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/logo.svg' }]],
  markdown: { theme: { light: 'github-light', dark: 'github-dark' } },
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guide', link: '/guide/getting-started', activeMatch: '^/guide/' },
      { text: 'Frameworks', link: '/integrations/fastify', activeMatch: '^/integrations/' },
      { text: 'Migrating', link: '/migrating/mqtt-js', activeMatch: '^/migrating/' },
      { text: 'Benchmarks', link: '/benchmarks' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
    ],
    sidebar: {
      '/api/': apiSidebar(docsRoot),
      '/': guide,
    },
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    footer: { message: 'MIT licensed. Built on MQTT.js, in the spirit of asyncio-mqtt.' },
  },
})
