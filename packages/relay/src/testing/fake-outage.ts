import type { Server, ServerResponse } from 'node:http'

/**
 * How a messenger's API is down: it answers `502 Bad Gateway` (an HTML page, as the proxy in
 * front of it does), refuses connections (nothing listens on its port), or takes requests and
 * never answers them (the client's timeout ends each).
 */
export type OutageMode = 'bad-gateway' | 'refused' | 'silent'

/**
 * An outage switch for a fake's HTTP server on `port`. The fake asks `intercept(res)` first
 * for every request it received (and recorded): while the API is down that answers it as a
 * down API would, and the fake does nothing more. Nothing a down API was sent is delivered.
 */
export function outageSwitch(server: Server, port: number) {
  let mode: OutageMode | undefined
  const held = new Set<ServerResponse>()
  return {
    /** Requests taken and not answered (`silent`) that the client has not given up yet. */
    get held(): number {
      return held.size
    },
    intercept(res: ServerResponse): boolean {
      if (mode === 'bad-gateway') {
        const page = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'
        res.writeHead(502, {
          'content-type': 'text/html',
          'content-length': Buffer.byteLength(page),
        })
        res.end(page)
        return true
      }
      if (mode === 'silent' || mode === 'refused') {
        held.add(res)
        res.on('close', () => held.delete(res))
        return true
      }
      return false
    },
    /** The API goes down (`refused`: the port stops listening, open connections are cut). */
    async down(next: OutageMode): Promise<void> {
      mode = next
      if (next === 'refused') {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeAllConnections()
        await closed
      }
    },
    /** The API is back on the same port; what it held unanswered is cut, never answered. */
    async up(): Promise<void> {
      const was = mode
      mode = undefined
      for (const res of held) res.socket?.destroy()
      held.clear()
      if (was === 'refused') {
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
      }
    },
  }
}
