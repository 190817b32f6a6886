/** One Server-Sent Event as a browser's EventSource sees it. */
export interface SSEEvent {
  event: string
  data: string
  id: string | undefined
}

/** Reads the events of an SSE response body, one at a time, the way EventSource parses them. */
export class SSEReader implements AsyncDisposable {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>
  readonly #decoder = new TextDecoder()
  #buffer = ''
  /** Comments seen so far (`: keep-alive`). */
  comments = 0

  constructor(response: Response) {
    if (response.body === null) throw new Error(`no body (status ${response.status})`)
    this.#reader = response.body.getReader()
  }

  /** The next event, or undefined once the server ended the stream. */
  async next(): Promise<SSEEvent | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n')
      if (end >= 0) {
        const block = this.#buffer.slice(0, end)
        this.#buffer = this.#buffer.slice(end + 2)
        const event = this.#parse(block)
        if (event) return event
        continue
      }
      const { done, value } = await this.#reader.read()
      if (done) return undefined
      this.#buffer += this.#decoder.decode(value, { stream: true })
    }
  }

  /** The next event named `name`, skipping others; throws if the stream ends first. */
  async nextNamed(name: string): Promise<SSEEvent> {
    for (;;) {
      const event = await this.next()
      if (event === undefined) throw new Error(`the stream ended before a '${name}' event`)
      if (event.event === name) return event
    }
  }

  /** Leaves, as a browser closing the tab does. */
  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => {})
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #parse(block: string): SSEEvent | undefined {
    let event = 'message'
    let id: string | undefined
    const data: string[] = []
    let fields = 0
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments += 1
        continue
      }
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      fields += 1
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
      else if (field === 'id') id = value
    }
    return fields === 0 ? undefined : { event, data: data.join('\n'), id }
  }
}
