/** One Server-Sent Event, as a browser's EventSource hands it to its listeners. */
export interface ServerSentEvent {
  event: string
  data: string
}

/**
 * Reads an SSE response body as EventSource does (the part this demo needs: `event:` and `data:`
 * lines; comments such as `: keep-alive` are skipped). Leaving the loop cancels the body.
 * @example
 * for await (const { event, data } of serverSentEvents(response.body)) console.log(event, data)
 */
export async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true })
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n')
        buffer = buffer.slice(end + 2)
        const event =
          lines
            .find((line) => line.startsWith('event:'))
            ?.slice(6)
            .trim() ?? 'message'
        const data = lines
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, ''))
        if (data.length > 0) yield { event, data: data.join('\n') }
      }
    }
  } finally {
    await reader.cancel()
  }
}
