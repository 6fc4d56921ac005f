import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type OutageMode, outageSwitch } from './fake-outage.ts'
import { boundaryOf, multipartParts } from './multipart.ts'

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
 * Photos for a dialogue go as VK takes them: `photos.getMessagesUploadServer` gives an upload
 * URL on this server, a multipart `photo` posted there answers `{ server, photo, hash }`, and
 * `photos.saveMessagesPhoto` with those makes `photo<owner>_<id>` (listed in `photos`), which
 * `messages.send` takes as its `attachment`.
 */
export async function startFakeVk(options: { token?: string } = {}) {
  const token = options.token ?? 'vk-token'
  const calls: VkCall[] = []
  const failures = new Map<string, { error_code: number; error_msg: string }[]>()
  const byRandomId = new Map<string, number>()
  const delivered: {
    peerId: string
    text: string
    randomId: string
    id: number
    attachment?: string
  }[] = []
  let messageId = 1000
  /** Uploaded and not yet saved, by the `photo` string the upload answered. */
  const uploads = new Map<string, { hash: string; name: string; data: Buffer }>()
  /** Saved photos, by `photo<owner>_<id>`: what a message may attach. */
  const photos = new Map<string, { name: string; data: Buffer }>()
  let photoId = 457239000
  const GROUP_ID = 229000001
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
      case 'photos.getMessagesUploadServer':
        return {
          response: {
            album_id: -64,
            upload_url: `http://127.0.0.1:${port}/upload/photo?peer=${call.params.peer_id ?? 0}`,
            user_id: 0,
            group_id: GROUP_ID,
          },
        }
      case 'photos.saveMessagesPhoto': {
        const upload = uploads.get(call.params.photo ?? '')
        if (!upload || upload.hash !== call.params.hash) {
          return {
            error: { error_code: 121, error_msg: 'Invalid hash', request_params },
          }
        }
        uploads.delete(call.params.photo ?? '')
        const id = ++photoId
        photos.set(`photo-${GROUP_ID}_${id}`, { name: upload.name, data: upload.data })
        return { response: [{ id, owner_id: -GROUP_ID, album_id: -64, date: 1_700_000_000 }] }
      }
      case 'messages.send': {
        const attachment = call.params.attachment
        if (attachment && !photos.has(attachment)) {
          return {
            error: {
              error_code: 100,
              error_msg:
                'One of the parameters specified was missing or invalid: attachment is invalid',
              request_params,
            },
          }
        }
        if (!call.params.message && !attachment) {
          return {
            error: {
              error_code: 100,
              error_msg:
                'One of the parameters specified was missing or invalid: message is empty or invalid',
              request_params,
            },
          }
        }
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
          ...(attachment && { attachment }),
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
      if (req.url?.startsWith('/upload/photo')) {
        uploadPhoto(Buffer.concat(chunks), req.headers['content-type'] ?? '', res)
        return
      }
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
  /** The upload server: one multipart `photo`, kept until `photos.saveMessagesPhoto`. */
  function uploadPhoto(body: Buffer, type: string, res: ServerResponse): void {
    const boundary = boundaryOf(type)
    const part = boundary ? multipartParts(body, boundary).photo : undefined
    // VK answers an upload without a photo with an empty list, not an error status.
    const answer =
      part && typeof part !== 'string'
        ? (() => {
            const photo = JSON.stringify([{ photo: `p${uploads.size + photos.size + 1}` }])
            const hash = `h${photo.length}${uploads.size}`
            uploads.set(photo, { hash, name: part.name, data: part.data })
            return { server: 852136, photo, hash }
          })()
        : { server: 852136, photo: '[]', hash: '' }
    const text = JSON.stringify(answer)
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  }

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
    /** Photos saved for messages, by the `photo<owner>_<id>` a message attaches. */
    photos,
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
