import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/** A folder served over HTTP on 127.0.0.1 and a free port. */
export interface StaticServer extends AsyncDisposable {
  /** `http://127.0.0.1:port` */
  readonly url: string
  /** Every path requested that was not found, in order. */
  readonly missing: string[]
  close(): Promise<void>
}

/** Where a URL path points in `root`: the file, `path/index.html`, or `path.html` (VitePress's URLs). */
export function resolveFile(root: string, pathname: string): string | undefined {
  const decoded = decodeURIComponent(pathname)
  const file = normalize(join(root, decoded))
  if (file !== root && !file.startsWith(root + sep)) return undefined
  const candidates = [file, join(file, 'index.html'), `${file}.html`]
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile())
}

/**
 * Serves `root` (a built site) on 127.0.0.1; unknown paths get a 404 (and `404.html` when there is one).
 * @example
 * await using server = await serveStatic('apps/docs/.vitepress/dist')
 * await fetch(`${server.url}/guide/connecting.html`)
 */
export async function serveStatic(root: string): Promise<StaticServer> {
  const base = normalize(root)
  const missing: string[] = []
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    const file = resolveFile(base, pathname)
    if (file === undefined) {
      missing.push(pathname)
      const notFound = join(base, '404.html')
      response.writeHead(404, { 'content-type': types['.html'] as string })
      if (existsSync(notFound)) createReadStream(notFound).pipe(response)
      else response.end('not found')
      return
    }
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(response)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
    return closing
  }
  return { url: `http://127.0.0.1:${port}`, missing, close, [Symbol.asyncDispose]: close }
}
