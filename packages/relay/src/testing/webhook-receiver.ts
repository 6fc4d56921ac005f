import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/** One request as a webhook receiver got it. */
export interface Received {
  id: string
  timestamp: string
  signature: string
  body: string
  /** `standardwebhooks` accepted the signature. */
  verified: boolean
  /** The parsed body (when verified). */
  // biome-ignore lint/suspicious/noExplicitAny: payloads are read field by field in tests
  payload?: { id: string; type: string; conversationId: string | null; data: Record<string, any> }
  /** What the receiver answered. */
  status: number
}

export interface Receiver {
  /** `http://127.0.0.1:PORT/hook` */
  url: string
  port: number
  received: Received[]
  /** The verified, answered-2xx requests. */
  accepted(): Received[]
  /** The secret to verify with (from the relay's create reply). */
  secret: string
  /** How to answer the next requests (after the signature check): a status, or hang. */
  answer: number | 'hang' | ((payload: NonNullable<Received['payload']>) => number | 'hang')
  /** Resolves once `check` holds for what was received (checked after each request). */
  until(check: (received: Received[]) => boolean, timeoutMs?: number): Promise<void>
  /** Stops listening (connections are refused) until `resume()`. */
  stop(): Promise<void>
  resume(): Promise<void>
  close(): Promise<void>
}

/**
 * A webhook receiver on 127.0.0.1 that verifies every request with the `standardwebhooks`
 * library, as a customer's would. `now` is the clock its timestamp tolerance uses (the
 * relay's injected clock in tests that move time): verify reads `Date.now`, so it sees
 * `now()` for the length of that synchronous call.
 */
export async function startReceiver(
  options: { now?: () => number; port?: number } = {},
): Promise<Receiver> {
  const waiters: { check: (r: Received[]) => boolean; resolve: () => void }[] = []
  const hanging = new Set<ServerResponse>()
  let server: Server
  const receiver: Receiver = {
    url: '',
    port: 0,
    received: [],
    secret: '',
    answer: 204,
    accepted: () =>
      receiver.received.filter((r) => r.verified && r.status >= 200 && r.status < 300),
    until(check, timeoutMs = 10_000) {
      if (check(receiver.received)) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`receiver: condition not met; got ${receiver.received.length} requests`),
            ),
          timeoutMs,
        )
        waiters.push({
          check,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
    async stop() {
      for (const res of hanging) res.destroy()
      hanging.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    async resume() {
      server = listen()
      await new Promise<void>((resolve) => server.listen(receiver.port, '127.0.0.1', resolve))
    },
    async close() {
      await receiver.stop().catch(() => undefined)
    },
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      }
      let verified = false
      let payload: Received['payload']
      try {
        payload = withClock(options.now, () =>
          new Webhook(receiver.secret).verify(body, headers),
        ) as never
        verified = true
      } catch {
        verified = false
      }
      const { answer } = receiver
      const chosen = !verified ? 400 : typeof answer === 'function' ? answer(payload!) : answer
      const status = chosen === 'hang' ? 0 : chosen
      const entry: Received = {
        id: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        signature: headers['webhook-signature'],
        body,
        verified,
        status,
        ...(payload && { payload }),
      }
      if (status === 0) {
        hanging.add(res)
      } else {
        res.writeHead(status, { 'content-type': 'text/plain' })
        res.end(verified ? 'ok' : 'bad signature')
      }
      receiver.received.push(entry)
      for (const waiter of [...waiters]) {
        if (waiter.check(receiver.received)) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve()
        }
      }
    })
  }

  function listen(): Server {
    return createServer(handle)
  }

  server = listen()
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  receiver.port = (server.address() as AddressInfo).port
  receiver.url = `http://127.0.0.1:${receiver.port}/hook`
  return receiver
}

function withClock<T>(now: (() => number) | undefined, fn: () => T): T {
  if (!now) return fn()
  const real = Date.now
  Date.now = now
  try {
    return fn()
  } finally {
    Date.now = real
  }
}
