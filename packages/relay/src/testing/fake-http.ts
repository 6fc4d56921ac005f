import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request a fake service received. */
export interface Received {
  method: string
  /** Path and query, as sent. */
  url: string
  headers: IncomingMessage['headers']
  // biome-ignore lint/suspicious/noExplicitAny: what a client sent, read field by field in tests
  body: any
}

export type Handler = (request: Received) => { status: number; body?: unknown; type?: string }

/**
 * An HTTP server on 127.0.0.1 at a port the system picks, answering JSON through `handle` and
 * recording every request. `close()` ends it (and its keep-alive connections).
 */
export async function startJsonServer(handle: Handler) {
  const received: Received[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown = text
      try {
        body = text ? JSON.parse(text) : undefined
      } catch {
        // Kept as text: the handler decides what a malformed body gets.
      }
      const request: Received = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
      }
      received.push(request)
      const answer = handle(request)
      const payload = answer.body === undefined ? '' : JSON.stringify(answer.body)
      res.writeHead(answer.status, {
        ...(payload && { 'content-type': answer.type ?? 'application/json; charset=utf-8' }),
        'content-length': Buffer.byteLength(payload),
      })
      res.end(payload)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
