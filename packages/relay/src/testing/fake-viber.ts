import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type OutageMode, outageSwitch } from './fake-outage.ts'

/** One REST bot API call the fake received. */
export interface ViberCall {
  method: string
  token: string | undefined
  // biome-ignore lint/suspicious/noExplicitAny: the JSON a client sent, read field by field in tests
  body: any
}

/** How the relay is reached (its `fetch`, for a relay that does not listen). */
export type Deliver = (url: string, init: RequestInit) => Promise<Response>

/**
 * Viber's REST bot API on 127.0.0.1 (`https://chatapi.viber.com/pa`): `POST /pa/<method>`
 * with `X-Viber-Auth-Token`, answered `{ status, status_message, … }` with HTTP 200 as Viber
 * does (failures are statuses, not HTTP codes). `set_webhook` first posts the signed
 * `webhook` callback to the URL, as Viber does, and fails with status 1 unless it gets 200.
 * `send_message` answers a 64-bit `message_token` as a bare JSON number. `callback` posts a
 * signed callback to the registered webhook (or with a wrong signature).
 */
export async function startFakeViber(options: { token?: string } = {}) {
  const token = options.token ?? 'viber-token'
  const calls: ViberCall[] = []
  const statuses = new Map<string, { status: number; status_message: string }[]>()
  /** Messages `send_message` took: what users received. */
  const delivered: { receiver: string; text: string; token: string }[] = []
  let webhook: string | undefined
  let hang: ((call: ViberCall) => boolean) | undefined
  let deliver: Deliver = (url, init) => fetch(url, init)
  // Past 2^53: a JSON number parse would change it.
  let token64 = 5741311803571721087n

  const sign = (raw: string, key = token) => createHmac('sha256', key).update(raw).digest('hex')
  const post = (url: string, raw: string, signature: string | null) =>
    deliver(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature !== null && { 'x-viber-content-signature': signature }),
      },
      body: raw,
    })
  const reply = (res: ServerResponse, text: string) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  }

  async function answer(call: ViberCall): Promise<string> {
    if (call.token !== token) {
      return JSON.stringify({ status: 2, status_message: 'invalidAuthToken' })
    }
    const failure = statuses.get(call.method)?.shift()
    if (failure) return JSON.stringify(failure)
    switch (call.method) {
      case 'set_webhook': {
        if (!call.body.url) {
          webhook = undefined
          return JSON.stringify({ status: 0, status_message: 'ok' })
        }
        const raw = JSON.stringify({
          event: 'webhook',
          timestamp: 1_700_000_000_000,
          message_token: 4912661846655238145n.toString(),
        }).replace(/"message_token":"(\d+)"/, '"message_token":$1')
        const check = await post(call.body.url, raw, sign(raw)).catch(() => undefined)
        if (check?.status !== 200) {
          return JSON.stringify({ status: 1, status_message: 'invalidUrl' })
        }
        webhook = call.body.url
        return JSON.stringify({
          status: 0,
          status_message: 'ok',
          event_types: call.body.event_types ?? [],
        })
      }
      case 'send_message':
        if (!call.body.receiver || !call.body.text) {
          return JSON.stringify({ status: 3, status_message: 'badData' })
        }
        token64 += 1n
        delivered.push({ receiver: call.body.receiver, text: call.body.text, token: `${token64}` })
        return `{"status":0,"status_message":"ok","message_token":${token64},"chat_hostname":"SN-CHAT-01_"}`
      case 'get_account_info':
        return JSON.stringify({ status: 0, status_message: 'ok', name: 'Shop', uri: 'shop' })
      default:
        return JSON.stringify({ status: 3, status_message: 'badData' })
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const method = /^\/pa\/(\w+)$/.exec(req.url ?? '')?.[1] ?? ''
      let body: unknown = {}
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
      } catch {
        return reply(res, JSON.stringify({ status: 3, status_message: 'badData' }))
      }
      const token = req.headers['x-viber-auth-token']
      const call = { method, token: Array.isArray(token) ? token[0] : token, body }
      calls.push(call)
      if (outage.intercept(res)) return
      // Taken, and the answer lost: what a relay killed after Viber took a message sees.
      if (hang?.(call)) return void answer(call)
      void answer(call).then((text) => reply(res, text))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const outage = outageSwitch(server, port)

  return {
    apiRoot: `http://127.0.0.1:${port}/pa`,
    calls,
    /** Messages `send_message` took (while up), in order: what users received. */
    delivered,
    /** The API goes down (`fake-outage.ts`): calls are recorded, none is taken. */
    down: (mode: OutageMode) => outage.down(mode),
    /** The API is back. */
    up: () => outage.up(),
    /** Calls taken and left unanswered by a `silent` outage, not yet given up by the client. */
    get held() {
      return outage.held
    },
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    webhook: () => webhook,
    /** How the fake reaches the relay (a relay that does not listen: its `fetch`). */
    reachRelayWith(fn: Deliver) {
      deliver = fn
    },
    /**
     * Calls for which `pick` is true are carried out (a message is delivered) and never
     * answered (`undefined`: answer every call).
     */
    hang(pick: ((call: ViberCall) => boolean) | undefined) {
      hang = pick
    },
    /** The next call of `method` is answered with this status. */
    failNext(method: string, status: number, status_message: string) {
      statuses.set(method, [...(statuses.get(method) ?? []), { status, status_message }])
    },
    /**
     * Posts a callback to the webhook, signed with the token (`signature`: another key, or
     * none). `raw` is sent as is: pass big message tokens as bare numbers in it.
     */
    callback(raw: string, signature: 'genuine' | 'wrong' | 'missing' = 'genuine') {
      if (!webhook) throw new Error('no webhook registered')
      const sig =
        signature === 'missing' ? null : signature === 'wrong' ? sign(raw, 'other') : sign(raw)
      return post(webhook, raw, sig)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type FakeViber = Awaited<ReturnType<typeof startFakeViber>>

let tokens = 6_000_000_000_000_000_000n

/** A `message` callback with text from user `userId`; its token is a bare 64-bit number. */
export function viberText(userId: string, text: string): string {
  tokens += 1n
  return `{"event":"message","timestamp":1700000000000,"chat_hostname":"SN-1_","message_token":${tokens},"sender":{"id":${JSON.stringify(userId)},"name":"Anna","language":"ru","country":"RU","api_version":10},"message":{"type":"text","text":${JSON.stringify(text)}},"silent":false}`
}
