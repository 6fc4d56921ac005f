import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type OutageMode, outageSwitch } from './fake-outage.ts'

/** One API call the fake received: its method and form parameters. */
export interface VkCall {
  method: string
  params: Record<string, string>
}

/**
 * VK's API on 127.0.0.1 (vk-io's `apiBaseUrl`): `POST /method/<name>` with form-encoded
 * parameters (`access_token`, `v`, …), answered `{ response }` or
 * `{ error: { error_code, error_msg, request_params } }` with HTTP 200, as VK does. Knows
 * `groups.getById` and `messages.send`, which, as VK does, delivers a `random_id` only once
 * and answers a repeat with the first message's id. `delivered` lists what users received.
 */
export async function startFakeVk(options: { token?: string } = {}) {
  const token = options.token ?? 'vk-token'
  const calls: VkCall[] = []
  const failures = new Map<string, { error_code: number; error_msg: string }[]>()
  const byRandomId = new Map<string, number>()
  const delivered: { peerId: string; text: string; randomId: string; id: number }[] = []
  let messageId = 1000
  let hang: ((call: VkCall) => boolean) | undefined

  const answer = (call: VkCall): unknown => {
    const request_params = Object.entries(call.params)
      .filter(([k]) => k !== 'access_token')
      .map(([key, value]) => ({ key, value }))
    if (call.params.access_token !== token) {
      return {
        error: {
          error_code: 5,
          error_msg: 'User authorization failed: invalid access_token (4).',
          request_params,
        },
      }
    }
    const failure = failures.get(call.method)?.shift()
    if (failure) return { error: { ...failure, request_params } }
    switch (call.method) {
      case 'groups.getById':
        return { response: { groups: [{ id: 229000001, name: 'Shop', screen_name: 'shop' }] } }
      case 'messages.send': {
        const randomId = call.params.random_id ?? ''
        const earlier = byRandomId.get(randomId)
        if (earlier !== undefined) return { response: earlier }
        const id = ++messageId
        byRandomId.set(randomId, id)
        delivered.push({
          peerId: call.params.peer_id ?? '',
          text: call.params.message ?? '',
          randomId,
          id,
        })
        return { response: id }
      }
      default:
        return { error: { error_code: 3, error_msg: 'Unknown method passed', request_params } }
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const method = /^\/method\/([\w.]+)/.exec(req.url ?? '')?.[1] ?? ''
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
      const call = { method, params }
      calls.push(call)
      if (outage.intercept(res)) return
      const text = JSON.stringify(answer(call))
      // Taken, and the answer lost: what a relay killed after VK took a message sees.
      if (hang?.(call)) return
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const outage = outageSwitch(server, port)

  return {
    apiBaseUrl: `http://127.0.0.1:${port}/method`,
    calls,
    /** The API goes down (`fake-outage.ts`): calls are recorded, none is taken. */
    down: (mode: OutageMode) => outage.down(mode),
    /** The API is back. */
    up: () => outage.up(),
    /** Calls taken and left unanswered by a `silent` outage, not yet given up by the client. */
    get held() {
      return outage.held
    },
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    /** Messages users received (a repeated random_id once). */
    delivered,
    /**
     * Calls for which `pick` is true are carried out (a message is delivered) and never
     * answered (`undefined`: answer every call).
     */
    hang(pick: ((call: VkCall) => boolean) | undefined) {
      hang = pick
    },
    /** The next call of `method` fails with this VK error. */
    failNext(method: string, error_code: number, error_msg: string) {
      failures.set(method, [...(failures.get(method) ?? []), { error_code, error_msg }])
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type FakeVk = Awaited<ReturnType<typeof startFakeVk>>

let events = 0

/** A Callback API `message_new` from user `peerId`, with the community's secret. */
export function vkMessage(
  peerId: number,
  text: string,
  secret: string,
  extra: Record<string, unknown> = {},
) {
  events += 1
  return {
    type: 'message_new',
    event_id: `ev${events.toString(16).padStart(8, '0')}`,
    v: '5.199',
    group_id: 229000001,
    secret,
    object: {
      message: {
        id: events,
        date: 1_700_000_000,
        peer_id: peerId,
        from_id: peerId,
        text,
        ...extra,
      },
      client_info: { button_actions: ['text'], keyboard: true, inline_keyboard: true },
    },
  }
}

/** A Callback API `message_read`: user `peerId` read the community's messages up to `upTo`. */
export function vkMessageRead(peerId: number, upTo: number, secret: string) {
  events += 1
  return {
    type: 'message_read',
    event_id: `ev${events.toString(16).padStart(8, '0')}`,
    v: '5.199',
    group_id: 229000001,
    secret,
    object: { from_id: peerId, peer_id: peerId, read_message_id: upTo },
  }
}
